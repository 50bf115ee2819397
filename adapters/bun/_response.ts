/**
 * Bun's Response differs from the Fetch standard in ways that show on the
 * wire; this subclass makes it match Node and Deno:
 * - `new Response("text").headers` lacks content-type and Bun adds a
 *   lower-case `text/plain;charset=utf-8` only to GET responses (none on
 *   HEAD). The standard puts `text/plain;charset=UTF-8` in the headers.
 * - Bun adds `application/octet-stream` (or a Blob's type) to binary GET
 *   responses but not to HEAD; setting it explicitly keeps HEAD equal to GET.
 * @module
 */

const NativeResponse: typeof Response = globalThis.Response;
const TEXT_PLAIN = "text/plain;charset=UTF-8";
const FORM_URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8";

/** The init for the common `new Response("text")`: Bun copies it, so one shared object is safe. */
const TEXT_INIT: ResponseInit = { headers: { "content-type": TEXT_PLAIN } };

class StandardResponse extends NativeResponse {
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    if (typeof body === "string") {
      // Fast path: give Bun the content-type up front instead of building headers twice.
      if (init === undefined) {
        super(body, TEXT_INIT);
        return;
      }
      if (init.headers === undefined) {
        super(body, { status: init.status, statusText: init.statusText, headers: TEXT_INIT.headers });
        return;
      }
    }
    super(body, init);
    if (typeof body === "string") {
      if (!this.headers.has("content-type")) this.headers.set("content-type", TEXT_PLAIN);
    } else if (body instanceof URLSearchParams) {
      if (!this.headers.has("content-type")) this.headers.set("content-type", FORM_URLENCODED);
    } else if ((body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob) && !this.headers.has("content-type")) {
      this.headers.set("content-type", (body instanceof Blob && body.type) || "application/octet-stream");
    }
  }
}

let installed = false;
/** Make Bun's `Response` behave as the standard says. Idempotent. */
export function installStandardResponse(): void {
  if (installed || globalThis.Response !== NativeResponse) return;
  installed = true;
  Object.defineProperty(globalThis, "Response", { value: StandardResponse, writable: true, configurable: true });
}
