/**
 * A Response whose stream body, if it fails, fails as one log line: Deno
 * prints a string reason as it is, where an Error would print its stack.
 * @module
 */
import { guardStream, streamErrorLine } from "../../src/_stream.ts";

const NativeResponse: typeof Response = globalThis.Response;

class GuardedResponse extends NativeResponse {
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    super(body instanceof ReadableStream ? guardStream(body, streamErrorLine) : body, init);
  }
}

let installed = false;
/** Make `new Response(stream)` fail in one line on Deno. Idempotent. */
export function installGuardedResponse(): void {
  if (installed || globalThis.Response !== NativeResponse) return;
  installed = true;
  Object.defineProperty(globalThis, "Response", { value: GuardedResponse, writable: true, configurable: true });
}
