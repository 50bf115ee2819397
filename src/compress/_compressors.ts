/**
 * What a runtime gives `compress()`: its compressors, behind one interface
 * each adapter implements, so the negotiation and the header rules are
 * written once in src/ and the native code stays in the adapters.
 * @module
 */
import type { Encoding } from "../types.ts";

/** A streaming compressor that flushes after every write. */
export interface StreamCompressor {
  /** Compress `chunk` and flush: resolves with every byte the client can decode so far. */
  write(chunk: Uint8Array): Promise<Uint8Array[]>;
  /** Finish the stream: resolves with the last bytes. */
  end(): Promise<Uint8Array[]>;
  /** Give up (the client left, or the body failed): free the native state. */
  close(): void;
}

/** The compressors of one runtime. */
export interface Compressors {
  /** The codings this runtime can produce. */
  readonly encodings: ReadonlySet<Encoding>;
  /** Compress a whole body held in memory (a large one off the event loop, where the runtime can). */
  bytes(encoding: Encoding, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Compress a whole body on the spot, when it is small enough for that
   * (the size `bytes()` also compresses on the spot); undefined for a larger
   * one, which goes to `bytes()`. Keeps the usual response synchronous.
   */
  bytesSync(encoding: Encoding, data: Uint8Array): Uint8Array | undefined;
  /** Start a streaming compressor. */
  stream(encoding: Encoding): StreamCompressor;
  /**
   * The bytes of a response body the runtime holds in memory, read without
   * a stream (Node's light Response: building undici's Response and reading
   * its stream costs about 0.1 ms for 100 KiB, measured; Deno: 0.1-0.45 ms);
   * a promise where the runtime hands them over only so (Deno's `bytes()`);
   * undefined when it cannot tell, and the body is read as a stream.
   */
  heldBody?(response: Response): Uint8Array | Promise<Uint8Array> | undefined;
}

/**
 * Levels, the same on every runtime: gzip 6 (zlib's default), Brotli 4 and
 * Zstandard 3. Brotli's default, 11, is for files compressed once; at 4 it
 * is faster than gzip 6 and still smaller (measured on 80 KB of JSON:
 * 6.7 KB in 0.9 ms against 9.7 KB in 1.7 ms on Node 20).
 */
export const LEVELS: Readonly<Record<Encoding, number>> = { gzip: 6, br: 4, zstd: 3 };
