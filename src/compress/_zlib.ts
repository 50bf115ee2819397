/**
 * Compressors over a `node:zlib`-shaped module, which Node, Deno and Bun all
 * provide natively (Deno's and Bun's are their own, not a JavaScript port).
 * The adapter passes its runtime's module in, so src/ imports no runtime;
 * the types below are the few members used, written by hand.
 * @module
 */
import type { Compressors, StreamCompressor } from "./_compressors.ts";
import { LEVELS } from "./_compressors.ts";
import type { Encoding } from "../types.ts";

/** A zlib Transform, as far as the compressor uses it. */
export interface ZlibStream {
  write(chunk: Uint8Array): boolean;
  flush(kind: number, callback: () => void): void;
  end(): void;
  close(): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  once(event: "end", listener: () => void): unknown;
}

type OneShot = (data: Uint8Array, options: object, callback: (error: Error | null, result: Uint8Array) => void) => void;
type OneShotSync = (data: Uint8Array, options: object) => Uint8Array;

/** The members of `node:zlib` used here; `zstd*` only where the runtime has Zstandard. */
export interface ZlibModule {
  constants: Record<string, number>;
  createGzip(options?: object): ZlibStream;
  createBrotliCompress(options?: object): ZlibStream;
  createZstdCompress?: (options?: object) => ZlibStream;
  gzip: OneShot;
  brotliCompress: OneShot;
  zstdCompress?: OneShot;
  gzipSync: OneShotSync;
  brotliCompressSync: OneShotSync;
  zstdCompressSync?: OneShotSync;
}

/** Faster whole-body compressors a runtime has beside its zlib (Bun's zstd), in both forms. */
export type OneShotOverrides = Partial<
  Record<Encoding, { sync(data: Uint8Array): Uint8Array; async(data: Uint8Array): Promise<Uint8Array> }>
>;

/**
 * Whole bodies up to this size are compressed on the spot, larger ones on
 * the runtime's thread pool. Up to here the work (about 1 ms for 100 KiB of
 * JSON in gzip) costs less than the trip to the pool and back: on Node 20 a
 * 100 KiB body served by compress() took 16% less CPU compressed on the spot
 * (measured with the bench's servers, one core each); past it, the event
 * loop would be held too long.
 */
const ON_THE_SPOT = 128 * 1024;

/** The Compressors of a runtime whose `node:zlib` is `zlib`. */
export function zlibCompressors(zlib: ZlibModule, overrides: OneShotOverrides = {}): Compressors {
  const c = zlib.constants;
  const options: Record<Encoding, object> = {
    gzip: { level: LEVELS.gzip },
    br: { params: { [c.BROTLI_PARAM_QUALITY]: LEVELS.br } },
    zstd: { params: { [c.ZSTD_c_compressionLevel]: LEVELS.zstd } },
  };
  const flushKind: Record<Encoding, number> = { gzip: c.Z_SYNC_FLUSH, br: c.BROTLI_OPERATION_FLUSH, zstd: c.ZSTD_e_flush };
  const create: Partial<Record<Encoding, (options: object) => ZlibStream>> = {
    gzip: (o) => zlib.createGzip(o),
    br: (o) => zlib.createBrotliCompress(o),
  };
  const oneShot: Partial<Record<Encoding, OneShot>> = { gzip: zlib.gzip, br: zlib.brotliCompress };
  const oneShotSync: Partial<Record<Encoding, OneShotSync>> = { gzip: zlib.gzipSync, br: zlib.brotliCompressSync };
  if (zlib.createZstdCompress && zlib.zstdCompress && zlib.zstdCompressSync && c.ZSTD_e_flush !== undefined) {
    create.zstd = zlib.createZstdCompress;
    oneShot.zstd = zlib.zstdCompress;
    oneShotSync.zstd = zlib.zstdCompressSync;
  }
  const bytesSync = (encoding: Encoding, data: Uint8Array): Uint8Array | undefined => {
    if (data.byteLength > ON_THE_SPOT) return undefined;
    const override = overrides[encoding];
    return override ? override.sync(data) : oneShotSync[encoding]!.call(zlib, data, options[encoding]);
  };
  return {
    encodings: new Set(Object.keys(create) as Encoding[]),
    bytesSync,
    bytes(encoding, data) {
      let out: Uint8Array | undefined;
      try {
        out = bytesSync(encoding, data);
      } catch (error) {
        return Promise.reject(error);
      }
      if (out) return Promise.resolve(out);
      const override = overrides[encoding];
      if (override) return override.async(data);
      return new Promise((resolve, reject) => {
        oneShot[encoding]!.call(zlib, data, options[encoding], (error, result) => error ? reject(error) : resolve(result));
      });
    },
    stream: (encoding) => flushing(create[encoding]!.call(zlib, options[encoding]), flushKind[encoding]),
  };
}

/** A StreamCompressor over a zlib Transform: each write is followed by a flush of `kind`. */
function flushing(z: ZlibStream, kind: number): StreamCompressor {
  let out: Uint8Array[] = [];
  let failed: Error | undefined;
  z.on("data", (chunk) => out.push(chunk));
  z.on("error", (error) => (failed = error));
  const take = (): Uint8Array[] => {
    const taken = out;
    out = [];
    return taken;
  };
  return {
    write(chunk) {
      return new Promise((resolve, reject) => {
        z.write(chunk);
        z.flush(kind, () => (failed ? reject(failed) : resolve(take())));
      });
    },
    end() {
      return new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        z.once("end", () => resolve(take()));
        z.on("error", reject);
        z.end();
      });
    },
    close: () => z.close(),
  };
}
