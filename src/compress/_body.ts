/**
 * What a response body turns out to be, found by reading it: a body held in
 * memory (a string, bytes, a Blob, JSON, FormData) is read to its end within
 * a few microtasks on every runtime (at most 6, measured on Node 20, Deno
 * 2.9 and Bun 1.4), while a live stream (server-sent events, a file) needs
 * the event loop: a timer or I/O. Each read gets 64 microtasks; the first
 * that needs more makes the body a stream. The rule holds whatever the
 * machine's speed (no timer races I/O), so one request always gets the same
 * framing; a live stream's head is never held back, and a streamed body is
 * never buffered whole.
 * @module
 */
import { concatBytes } from "../_bytes.ts";
import type { StreamCompressor } from "./_compressors.ts";

/** The body ended within its reads' microtasks: all its bytes. */
export interface WholeBody {
  whole: true;
  bytes: Uint8Array;
}

/** The body is a live stream: what was read so far, and the rest. */
export interface LiveBody {
  whole: false;
  head: Uint8Array[];
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** A read already under way. */
  pending: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/** Past this many bytes read at once, a body is treated as a stream, whatever it is. */
const MAX_WHOLE = 4 * 1024 * 1024;

const WAIT: unique symbol = Symbol("wait");

/** Microtasks a read may take and still count as in memory: ten times the most measured. */
const HOPS = 64;

/** `promise`'s value if it settles within HOPS microtasks, else WAIT (it keeps going). */
async function settlesSoon<T>(promise: Promise<T>): Promise<T | typeof WAIT> {
  let settled = false;
  let failed = false;
  let value: T | undefined;
  let error: unknown;
  promise.then((v) => {
    settled = true;
    value = v;
  }, (e) => {
    settled = true;
    failed = true;
    error = e;
  });
  for (let i = 0; i < HOPS && !settled; i++) await null;
  if (!settled) return WAIT;
  if (failed) throw error;
  return value as T;
}

/** Read `body` until it ends or would make us wait. */
export async function readBody(body: ReadableStream<Uint8Array>): Promise<WholeBody | LiveBody> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const pending = reader.read();
    if (size > MAX_WHOLE) return { whole: false, head, reader, pending };
    const result = await settlesSoon(pending);
    if (result === WAIT) return { whole: false, head, reader, pending };
    if (result.done) return { whole: true, bytes: concatBytes(head, size) };
    const chunk = bytesOf(result.value);
    head.push(chunk);
    size += chunk.byteLength;
  }
}

/** The compressed stream of a live body: every chunk is compressed and flushed as it arrives. */
export function compressedStream(body: LiveBody, compressor: StreamCompressor): ReadableStream<Uint8Array> {
  let first: Uint8Array | undefined = body.head.length ? concatBytes(body.head) : undefined;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined = body.pending;
  const { reader } = body;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          let chunk = first;
          first = undefined;
          if (!chunk) {
            const result = await (pending ?? reader.read());
            pending = undefined;
            if (result.done) {
              for (const out of await compressor.end()) controller.enqueue(out);
              controller.close();
              return;
            }
            chunk = bytesOf(result.value);
          }
          if (chunk.byteLength === 0) continue;
          const out = await compressor.write(chunk);
          for (const piece of out) controller.enqueue(piece);
          if (out.length) return;
        }
      } catch (error) {
        compressor.close();
        reader.cancel(error).catch(() => {});
        throw error;
      }
    },
    cancel(reason) {
      compressor.close();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** A body chunk must be bytes (the Fetch standard); anything else fails the body as the runtimes would. */
function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("a response body chunk is not a Uint8Array");
}

