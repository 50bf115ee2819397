/**
 * The raw control of the compression scenarios on Deno and Bun: the
 * runtime's own `node:zlib` compressing the JSON on the spot, as omniserve
 * does for a body this size, at the levels omniserve uses (gzip 6, Brotli 4;
 * src/compress/_compressors.ts), behind `Deno.serve` or `Bun.serve` with no
 * library.
 * @module
 */
import zlib from "node:zlib";
import { JSON_100K } from "../apps/_files.ts";

const BYTES = new TextEncoder().encode(JSON_100K);
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

/** A fetch handler answering every request with the JSON compressed in `encoding`. */
export function rawCompress(encoding: "gzip" | "br"): () => Response {
  const headers = { "content-type": "application/json", "content-encoding": encoding, vary: "Accept-Encoding" };
  const compress = encoding === "gzip" ? () => zlib.gzipSync(BYTES, { level: 6 }) : () => zlib.brotliCompressSync(BYTES, BROTLI);
  return () => new Response(compress() as Uint8Array<ArrayBuffer>, { headers });
}
