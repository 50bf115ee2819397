/**
 * A body of one chunk known in advance (a body compressed whole), as a
 * stream: so the runtime sends it without Content-Length, as any compressed
 * response, and a HEAD (not compressed) has the GET's headers. The fallback
 * for a runtime whose Compressors have no `compressedResponse`.
 * @module
 */

/** `bytes` as a stream of one chunk. */
export function oneChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  }, { highWaterMark: 0 });
}
