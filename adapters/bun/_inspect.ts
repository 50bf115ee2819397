/**
 * `util.inspect()` of Bun's own Request and Headers prints `Request {}` and
 * `Headers {}` (Bun's `node:util` does not look inside its native web
 * objects: oven-sh/bun#35292, not in 1.4.5), where Node and Deno print the
 * fields. While omniserve's globals are installed (see _response.ts), both
 * prototypes carry the Node inspect hook, printing the fields Deno prints
 * (each runtime has its own list). Installed only where Bun prints them
 * empty, so a Bun that fixes it keeps its own.
 * @module
 */
import { inspect } from "node:util";

const CUSTOM = Symbol.for("nodejs.util.inspect.custom");

type Inspect = (value: unknown, options?: object) => string;

function inspectHeaders(this: Headers, _depth: number, options: object, show: Inspect = inspect): string {
  return `Headers ${show(Object.fromEntries(this), options)}`;
}

function inspectRequest(this: Request, _depth: number, options: object, show: Inspect = inspect): string {
  const { bodyUsed, headers, method, redirect, url } = this;
  return `Request ${show({ bodyUsed, headers, method, redirect, url }, options)}`;
}

/** Give Bun's Request and Headers the inspect hook (or, with `false`, take omniserve's away again). */
export function installInspect(on: boolean): void {
  hook(Request.prototype, inspectRequest, new Request("http://localhost/"), on);
  hook(Headers.prototype, inspectHeaders, new Headers({ a: "1" }), on);
}

function hook(proto: object, method: (...args: never[]) => string, sample: object, on: boolean): void {
  const slot = proto as Record<symbol, unknown>;
  if (!on) {
    if (slot[CUSTOM] === method) delete slot[CUSTOM];
    return;
  }
  // Only where nothing else hooked it and Bun prints the sample with no fields.
  if (slot[CUSTOM] !== undefined || !/^\w+ \{\}$/.test(inspect(sample))) return;
  Object.defineProperty(proto, CUSTOM, { value: method, writable: true, configurable: true });
}
