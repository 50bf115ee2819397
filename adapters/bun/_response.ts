/**
 * Bun's Response differs from the Fetch standard in ways that show on the
 * wire; this subclass makes it match Node and Deno where that is cheap:
 * - `new Response("text").headers` lacks content-type, and Bun writes
 *   `text/plain;charset=utf-8` only on GET (none on HEAD). Reading the headers
 *   here puts that same value in, and the adapter reads them for HEAD, so HEAD
 *   equals GET and middleware sees the content-type. The spelling stays Bun's
 *   lower-case `utf-8` (named exception `bunCharsetLowercase`): putting the
 *   standard `UTF-8` in the headers of every string response costs Bun's fast
 *   path about 5% of a hello request (measured).
 * - A stream body that fails mid-way is logged in one line, as on Node.
 * - A body with a null-body status (204, 304, ...) and `Response.redirect()`
 *   to a relative URL are TypeErrors, as on Node and Deno; Bun sent them.
 * - `clone()` of a string body keeps its content-type (see clone()).
 * - Bun adds `application/octet-stream` (or a Blob's type) to binary GET
 *   responses but not to HEAD; setting it explicitly keeps HEAD equal to GET.
 * @module
 */

import { swapGlobalResponse } from "../../src/_global-response.ts";
import { loggedStream } from "../../src/_logged-stream.ts";
import { checkStatusText, NULL_BODY_STATUS, standardBody, webidlStatus } from "../../src/_body-init.ts";

/** Bun's own Response class. */
export const NativeResponse: typeof Response = globalThis.Response;
/** What Bun writes for a string body; the standard says `text/plain;charset=UTF-8` (case-insensitive). */
const BUN_TEXT_PLAIN = "text/plain;charset=utf-8";
const FORM_URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8";
const encoder = new TextEncoder();

/** What `Response` is in a Bun server process. */
export class StandardResponse extends NativeResponse {
  /** A string body whose standard content-type is not in the headers yet. */
  #text: boolean;
  /** A body held in memory as given, for compress() to take without reading a stream. */
  #held: string | Uint8Array | ArrayBuffer | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    // Bun sends such a body's status without the body; the standard (and Node, Deno) refuse it.
    // The status as WebIDL reads it: `"204"` is 204 too.
    if (body != null && init?.status !== undefined && NULL_BODY_STATUS.has(webidlStatus(init.status))) {
      throw new TypeError(`Response constructor: a ${webidlStatus(init.status)} response cannot have a body`);
    }
    body = standardBody(body) as BodyInit | null | undefined;
    checkStatusText(init?.statusText); // Bun takes any
    // A stream that fails mid-way: Bun would drop the connection and say nothing (see _logged-stream.ts).
    super(body instanceof ReadableStream ? loggedStream(body) : body, init);
    // A string body keeps Bun's fast path (no Headers object); the content-type goes in
    // when someone reads the headers (middleware, or the adapter for HEAD).
    this.#text = typeof body === "string";
    this.#held = this.#text || body instanceof Uint8Array || body instanceof ArrayBuffer ? body as string | Uint8Array | ArrayBuffer : undefined;
    if (this.#text) return;
    if (body instanceof URLSearchParams) {
      if (!super.headers.has("content-type")) super.headers.set("content-type", FORM_URLENCODED);
    } else if ((body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob) && !typed(init?.headers) && !super.headers.has("content-type")) {
      super.headers.set("content-type", (body instanceof Blob && body.type) || "application/octet-stream");
    }
  }

  /**
   * The bytes of a string, Uint8Array or ArrayBuffer body nobody has read,
   * without reading the body's stream (which cost a compressed 100 KiB
   * response about 6% of its time, profiled); undefined for any other body.
   */
  static heldBytes(response: Response): Uint8Array | undefined {
    if (!(#held in response) || response.#held === undefined || response.bodyUsed) return undefined;
    const held = response.#held;
    return typeof held === "string" ? encoder.encode(held) : held instanceof ArrayBuffer ? new Uint8Array(held) : held;
  }

  /** Bun resolves a relative URL against nothing and sends it; the standard (and Node, Deno) refuse it. */
  static override redirect(url: string | URL, status?: number): Response {
    return NativeResponse.redirect(new URL(url).href, status);
  }

  /**
   * `instanceof Response` holds for Bun's own responses too: `clone()`,
   * `Response.json()`, `Response.redirect()` and `fetch()` build those.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }

  /**
   * Bun 1.4's clone() of a string body beyond ASCII forgets that it was text,
   * and both responses then go out as `application/octet-stream` (the bug
   * oven-sh/bun#33677's review describes). Putting the content-type in the
   * headers first keeps it on both.
   */
  override clone(): Response {
    if (this.#text) void this.headers;
    return super.clone();
  }

  override get headers(): Headers {
    const headers = super.headers;
    if (this.#text) {
      this.#text = false;
      // Bun's own spelling, so what JavaScript reads is what Bun sends on GET.
      if (!headers.has("content-type")) headers.set("content-type", BUN_TEXT_PLAIN);
    }
    return headers;
  }
}

/** Make Bun's `Response` behave as the standard says (or, with `false`, Bun's own again). */
export function installStandardResponse(on = true): void {
  swapGlobalResponse(NativeResponse, StandardResponse, on);
}

/**
 * True when `headers` is a list naming a content-type (serveStatic() builds
 * one): reading `super.headers` would build Bun's Headers object for nothing
 * (a third of the Response's cost, measured).
 */
function typed(headers: HeadersInit | undefined): boolean {
  if (!Array.isArray(headers)) return false;
  for (const pair of headers) if (pair[0]?.toLowerCase() === "content-type") return true;
  return false;
}
