/**
 * A response body as every adapter sends it. Its chunks may be Uint8Arrays,
 * other ArrayBuffer views, ArrayBuffers or strings (UTF-8), as Bun.serve
 * takes them; anything else fails the body with one TypeError
 * (`byteChunk`). Bun with `development: false` reports a failing body
 * nowhere (it only drops the connection), so on Bun the copy also logs the
 * failure in one line (`logStreamError`). Node writes chunks through
 * `byteChunk` too. Deno takes Uint8Array chunks only, natively (the named
 * exception `denoStreamChunksUint8ArrayOnly`: a copy there cost too much).
 * @module
 */
import { logStreamError } from "./_log.ts";

/** One chunk of a response stream as the server writes it: bytes, or a string it writes as UTF-8. */
export function byteChunk(value: unknown): Uint8Array | string {
  if (value instanceof Uint8Array || typeof value === "string") return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  const what = value === null ? "null" : typeof value === "object" ? value.constructor?.name ?? "object" : typeof value;
  throw new TypeError(`a response stream chunk must be bytes or a string, got ${what}`);
}

/**
 * `body` for Bun, copied chunk by chunk through {@link byteChunk} (with none read ahead, Bun streamed a 1 MiB
 * body about a quarter slower: measured); a failed read or a chunk that is not bytes fails the copy, logged once.
 */
export function loggedStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Uint8Array | string;
      try {
        const next = await reader.read();
        if (next.done) return controller.close();
        chunk = byteChunk(next.value);
      } catch (error) {
        logStreamError(error);
        controller.error(error);
        reader.cancel(error).catch(() => {});
        return;
      }
      controller.enqueue(chunk as Uint8Array); // Bun takes strings as they are
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
