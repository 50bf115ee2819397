/**
 * A body of one chunk known in advance (a body compressed whole), as a
 * stream: every compressed response goes out the same way, without
 * Content-Length, so a HEAD (not compressed) has the GET's headers. A sender
 * that can write bytes without a web stream (Node's) asks `chunkOf()` for
 * them and skips the stream's reads: a fifth of the cost of a compressed
 * 100 KiB response beside the compression itself (profiled, bench/README.md).
 * @module
 */

const chunks = new WeakMap<ReadableStream<Uint8Array>, Uint8Array>();

/** `bytes` as a stream of one chunk. */
export function oneChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      chunks.delete(stream);
      controller.enqueue(bytes);
      controller.close();
    },
  }, { highWaterMark: 0 });
  chunks.set(stream, bytes);
  return stream;
}

/** The one chunk of a stream from `oneChunk()` that nobody has read or locked; then the stream is done with. */
export function chunkOf(stream: ReadableStream<Uint8Array>): Uint8Array | undefined {
  const bytes = chunks.get(stream);
  if (bytes === undefined || stream.locked) return undefined;
  chunks.delete(stream);
  return bytes;
}
