/**
 * The body of another library's light Response (srvx's, @hono/node-server's)
 * reaches Node's adapter only as a stream: the native Response such a library
 * builds underneath knows a fixed-size body's length, but undici does not
 * expose it. Deno and Bun send such a body with Content-Length. So, for these
 * Responses only, the first chunk is read, and if the stream has ended by the
 * next turn of the event loop, the body is that chunk and has a length.
 * Otherwise it streams as before, the chunks read so far first.
 * @module
 */
import { setImmediate } from "node:timers";

/** What `pipe()` uses of a reader. */
export type BodyReader = Pick<ReadableStreamDefaultReader<Uint8Array>, "read" | "cancel">;

const PENDING = Symbol("pending");

/**
 * The whole body when `reader`'s stream holds one chunk and has ended by the
 * next turn of the event loop (an empty Uint8Array for no chunk at all);
 * otherwise a reader that gives the chunks read so far, then the rest. A read
 * that fails is given again by the returned reader, for the caller to report
 * as it reports a stream failing.
 */
export async function settledBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array | BodyReader> {
  const reads: Promise<ReadableStreamReadResult<Uint8Array>>[] = [reader.read()];
  try {
    const first = await reads[0];
    if (first.done) return new Uint8Array(0);
    reads.push(reader.read());
    const next = await Promise.race([reads[1], new Promise<typeof PENDING>((resolve) => setImmediate(resolve, PENDING))]);
    if (next !== PENDING && next.done && first.value instanceof Uint8Array) return first.value;
  } catch {
    // given again by the reader below
  }
  return {
    read: () => reads.shift() ?? reader.read(),
    cancel: (reason?: unknown) => reader.cancel(reason),
  };
}
