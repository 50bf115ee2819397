/**
 * What `Response` is in a Deno server process: Deno's own class, plus a
 * note of whether the body was given in memory (a string, bytes, an
 * ArrayBuffer, URLSearchParams). Deno keeps such a body as it is until
 * someone asks for its stream, and `bytes()` then returns it without one;
 * compress() needs to know that before it asks, since `bytes()` on a live
 * stream (server-sent events) would wait for its end. Reading the 100 KiB
 * body of the compression bench through its stream instead cost Deno
 * 100-450 µs per request, nearly all outside JavaScript (bench/README.md).
 * Everything else is Deno's: the body, `bodyUsed`, the headers, `clone()`
 * (but for one Deno bug, below).
 * @module
 */

import { swapGlobalResponse } from "../../src/_global-response.ts";
import { standardBody } from "../../src/_body-init.ts";

/** Deno's own Response class. */
export const NativeResponse: typeof Response = globalThis.Response;

/** What `Response` is in a Deno server process. */
export class DenoResponse extends NativeResponse {
  /** The body was given in memory, so Deno holds it without a stream until one is asked for. */
  #inMemory: boolean;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    body = standardBody(body) as BodyInit | null | undefined;
    super(body, init);
    // Deno sends a Blob chunked, although its size is known; Node and Bun send Content-Length.
    if (body instanceof Blob && !super.headers.has("content-length")) super.headers.set("content-length", String(body.size));
    this.#inMemory = typeof body === "string" || ArrayBuffer.isView(body) || body instanceof ArrayBuffer ||
      body instanceof URLSearchParams;
  }

  /**
   * The bytes of a body given in memory that nobody has read, as Deno's
   * own `bytes()` gives them (no stream unless someone asked for `body`
   * first); undefined for any other body, which compress() reads as a stream.
   */
  static heldBytes(response: Response): Promise<Uint8Array> | undefined {
    return #inMemory in response && response.#inMemory && !response.bodyUsed ? response.bytes() : undefined;
  }

  /**
   * Deno 2.9's `clone()` of a response whose headers nobody has read and
   * whose only header is content-type gives the clone no headers at all;
   * reading them first makes Deno copy them.
   */
  override clone(): Response {
    void super.headers;
    return super.clone();
  }

  /**
   * `instanceof Response` holds for Deno's own responses too: `clone()`,
   * `Response.json()`, `Response.redirect()` and `fetch()` build those.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }
}

/** Make `Response` omniserve's Deno Response (or, with `false`, Deno's own again). */
export function installDenoResponse(on = true): void {
  swapGlobalResponse(NativeResponse, DenoResponse, on);
}
