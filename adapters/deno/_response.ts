/**
 * Deno's Response, two fixes: a stream body that fails does so in one log
 * line (Deno prints a string reason as it is, where an Error would print its
 * stack), and a Blob body carries Content-Length as on Node and Bun.
 * @module
 */
import { guardStream, streamErrorLine } from "../../src/_stream.ts";

const NativeResponse: typeof Response = globalThis.Response;

class GuardedResponse extends NativeResponse {
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    super(body instanceof ReadableStream ? guardStream(body, streamErrorLine) : body, init);
    // Deno streams a Blob chunked; its size is known, so say it (Deno honours the header).
    if (body instanceof Blob && !this.headers.has("content-length")) {
      this.headers.set("content-length", String(body.size));
    }
  }
}

let installed = false;
/** Make `new Response(stream)` fail in one line on Deno. Idempotent. */
export function installGuardedResponse(): void {
  if (installed || globalThis.Response !== NativeResponse) return;
  installed = true;
  Object.defineProperty(globalThis, "Response", { value: GuardedResponse, writable: true, configurable: true });
}
