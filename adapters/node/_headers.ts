/**
 * Request headers as a `Headers` that reads Node's rawHeaders in place:
 * `get`/`has` scan the raw pairs, iteration sorts and combines them once as
 * the Fetch standard says (Cookie lines joined with "; ", as undici, Deno and
 * Bun all do), and the first change (`set`, `append`, `delete`)
 * builds a real `Headers` that takes over. `instanceof Headers` holds.
 * @module
 */
import { inspect } from "node:util";
import { delegateToNative } from "./_delegate.ts";

const NativeHeaders: typeof Headers = globalThis.Headers;

export class NodeHeaders {
  readonly #raw: string[];
  #sorted: [string, string][] | undefined;
  #native: Headers | undefined;

  /** `raw` is Node's flat [name, value, ...] list, pseudo-headers (HTTP/2) skipped. */
  constructor(raw: string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#native) return this.#native.get(name);
    const lower = name.toLowerCase();
    const raw = this.#raw;
    const separator = lower === "cookie" ? "; " : ", ";
    let out: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i];
      if (key.length === lower.length && (key === lower || key.toLowerCase() === lower)) {
        out = out === null ? raw[i + 1] : out + separator + raw[i + 1];
      }
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    if (this.#native) return this.#native.getSetCookie();
    const out: string[] = [];
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].length === 10 && raw[i].toLowerCase() === "set-cookie") out.push(raw[i + 1]);
    }
    return out;
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#pairs()) callback.call(thisArg, value, name, this as unknown as Headers);
  }

  *entries(): HeadersIterator<[string, string]> {
    yield* this.#pairs();
  }

  *keys(): HeadersIterator<string> {
    for (const [name] of this.#pairs()) yield name;
  }

  *values(): HeadersIterator<string> {
    for (const [, value] of this.#pairs()) yield value;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  /** Sorted, lower-cased, combined: what iterating a Headers yields. */
  #pairs(): [string, string][] {
    if (this.#native) return [...this.#native];
    if (this.#sorted) return this.#sorted;
    const combined = new Map<string, string>();
    const cookies: string[] = [];
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (name.charCodeAt(0) === 58 /* : */) continue;
      if (name === "set-cookie") cookies.push(raw[i + 1]);
      else {
        const seen = combined.get(name);
        combined.set(name, seen === undefined ? raw[i + 1] : seen + (name === "cookie" ? "; " : ", ") + raw[i + 1]);
      }
    }
    const names = [...combined.keys()];
    if (cookies.length > 0) names.push("set-cookie");
    names.sort();
    const out: [string, string][] = [];
    for (const name of names) {
      if (name === "set-cookie") for (const cookie of cookies) out.push([name, cookie]);
      else out.push([name, combined.get(name)!]);
    }
    return (this.#sorted = out);
  }

  /** `console.log(headers)`, printed as undici prints a Headers. @internal */
  _inspect(depth: number, options: object): string {
    if (this.#native) return inspect(this.#native, { ...options, depth });
    const fields: Record<string, string> = {};
    for (const [name, value] of this.#pairs()) fields[name] = name in fields ? `${fields[name]}, ${value}` : value;
    return `Headers ${inspect(fields, { ...options, depth })}`;
  }

  /** The real Headers, built on the first change. @internal */
  _native(): Headers {
    if (this.#native) return this.#native;
    const headers = new NativeHeaders();
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i].charCodeAt(0) !== 58 /* : */) headers.append(raw[i], raw[i + 1]);
    }
    return (this.#native = headers);
  }
}

type HeadersIterator<T> = Generator<T, undefined, unknown>;

// set, append, delete and anything newer go to the real Headers.
delegateToNative(NodeHeaders, NativeHeaders, "Headers");
// undici's own inspect hook reads a private field this class lacks.
Object.defineProperty(NodeHeaders.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: NodeHeaders, depth: number, options: object) {
    return this._inspect(depth, options);
  },
  configurable: true,
});
