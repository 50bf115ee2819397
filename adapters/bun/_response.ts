/**
 * Bun leaves `content-type` out of `new Response("text").headers` and adds a
 * lower-case `text/plain;charset=utf-8` only when it writes a GET response
 * (none on HEAD). The Fetch standard, Node and Deno put
 * `text/plain;charset=UTF-8` in the headers. This subclass does what the
 * standard says, so headers match on every runtime.
 * @module
 */

const NativeResponse: typeof Response = globalThis.Response;
const TEXT_PLAIN = "text/plain;charset=UTF-8";

class StandardResponse extends NativeResponse {
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    super(body, init);
    if (typeof body === "string" && !this.headers.has("content-type")) {
      this.headers.set("content-type", TEXT_PLAIN);
    }
  }
  static override json(data: unknown, init?: ResponseInit): Response {
    return NativeResponse.json(data, init);
  }
}

let installed = false;
/** Make `new Response(string)` carry its standard content-type on Bun. Idempotent. */
export function installStandardResponse(): void {
  if (installed || globalThis.Response !== NativeResponse) return;
  installed = true;
  Object.defineProperty(globalThis, "Response", {
    value: StandardResponse,
    writable: true,
    configurable: true,
  });
}
