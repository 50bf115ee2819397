/**
 * compress() on Node: `node:zlib`. Measured on 80 KB of JSON (Node 20):
 * zlib compresses gzip in 1.5-1.9 ms whichever call is used, the web
 * CompressionStream in 2.5 ms, and CompressionStream cannot flush per chunk
 * (it holds a server-sent event until its buffer fills). Whole bodies use
 * zlib's callback form, which runs on the thread pool, off the event loop.
 * Zstandard arrives with Node 22.15; on older Node it is not offered.
 * @module
 */
import zlib from "node:zlib";
import type { Compressors } from "../../src/compress/_compressors.ts";
import { type ZlibModule, zlibCompressors } from "../../src/compress/_zlib.ts";

export const nodeCompressors: Compressors = zlibCompressors(zlib as unknown as ZlibModule);
