/**
 * compress() on Deno: Deno's `node:zlib`, which is native (Rust) code.
 * Measured on 80 KB of JSON (Deno 2.9): gzip 1.3 ms against 2.6 ms for the
 * web CompressionStream; CompressionStream's Brotli cannot be given a
 * quality (9 ms at its default). Zstandard is there too. A body given to
 * omniserve's Deno Response in memory is taken with Deno's `bytes()`, without
 * a stream (_response.ts).
 * @module
 */
import zlib from "node:zlib";
import type { CompressedInit, Compressors } from "../../src/compress/_compressors.ts";
import { oneChunk } from "../../src/compress/_one-chunk.ts";
import { type ZlibModule, zlibCompressors } from "../../src/compress/_zlib.ts";
import { DenoResponse, NativeResponse } from "./_response.ts";

const CHUNKED: [string, string] = ["transfer-encoding", "chunked"];

/**
 * A body compressed whole, without Content-Length. Deno frames bytes with
 * Content-Length and sends only a stream without; a one-chunk web stream
 * cost Deno 60-80 µs more a request than the bytes (5-7% of a 100 KiB gzip
 * response, measured: bench/README.md). So over HTTP/1.1 the bytes go out with
 * `Transfer-Encoding: chunked`, which hyper frames as it frames a stream.
 * Deno does not tell JavaScript the HTTP version: a request with Host is
 * taken for HTTP/1.1 (HTTP/2 clients send `:authority`, not Host), one
 * without keeps the stream. Where the guess is wrong, an HTTP/1.0 client or
 * an HTTP/2 one that sends Host, hyper drops the header and sends the bytes
 * with their Content-Length; and code around compress() sees the header
 * (named exception `denoCompressedLength`).
 */
function compressedResponse(bytes: Uint8Array, init: CompressedInit, request: Request): Response {
  if (!request.headers.has("host")) return new NativeResponse(oneChunk(bytes), init);
  return new NativeResponse(bytes as Uint8Array<ArrayBuffer>, { ...init, headers: [...init.headers, CHUNKED] });
}

export const denoCompressors: Compressors = {
  ...zlibCompressors(zlib as unknown as ZlibModule),
  heldBody: (response) => DenoResponse.heldBytes(response),
  compressedResponse,
};
