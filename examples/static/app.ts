/**
 * A small static site, served unchanged on Node.js, Deno and Bun:
 *   npx omniserve serve examples/static/app.ts --runtime bun
 * then open http://127.0.0.1:3000/.
 *
 * serveStatic() sends the files in public/ the runtime's own fastest way,
 * with ranges, validators and app.js precompressed (app.js.br, .zst, .gz);
 * compress() compresses the HTML and CSS on the way out.
 */
import { fileURLToPath } from "node:url";
import { compress, serveStatic, type ServeOptions } from "omniserve";

const root = fileURLToPath(new URL("./public", import.meta.url));

export default {
  fetch: compress(serveStatic({ root, precompressed: true, maxAge: 60 }), { threshold: 128 }),
} satisfies ServeOptions;
