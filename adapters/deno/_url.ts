/**
 * `request.url` on Deno as the Fetch standard gives it (src/_url.ts): Deno
 * builds the URL of a request it serves from the Host and target as sent
 * (`http://EXAMPLE.test:80/a/../b`), where `new Request()`, Node's and Bun's
 * give the parsed form (`http://example.test/b`). The getter of Deno's
 * `Request.prototype.url` is wrapped once, when the first server starts; a
 * URL that is already standard (every Request the app builds itself) comes
 * back unchanged, and the cost is paid only when `url` is read.
 * @module
 */
import { standardizeUrl } from "../../src/_url.ts";

let installed = false;

export function installStandardUrl(): void {
  if (installed) return;
  installed = true;
  const own = Object.getOwnPropertyDescriptor(Request.prototype, "url");
  const get = own?.get;
  if (!own || !get) return; // not Deno's shape: leave it alone
  Object.defineProperty(Request.prototype, "url", {
    ...own,
    get(this: Request): string {
      return standardizeUrl(get.call(this));
    },
  });
}
