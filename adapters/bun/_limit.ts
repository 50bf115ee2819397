/**
 * `maxRequestBodySize` on Bun, checked in JavaScript. Bun's own limit answers
 * 413 and closes the socket at once, with the client's body still arriving:
 * the kernel then resets the connection, and a client that is still sending
 * (Node's fetch) sees EPIPE instead of the 413. Bun also closes right after
 * any response that says `Connection: close`. So a body declared over the
 * limit, or one that went over it as it was read, is read and discarded
 * first, up to `LINGER_BYTES` and `LINGER_MS`, and the shared 413 follows. Bun's own limit stays, `LINGER_BYTES` above
 * ours, as the bound for bodies nobody reads.
 * @module
 */
import { LINGER_BYTES, LINGER_MS, tooLarge } from "../../src/_limit.ts";

/** What Bun.serve enforces itself for `maxRequestBodySize` = `max`. */
export function nativeBodyLimit(max: number): number {
  return max + LINGER_BYTES;
}

/** The 413 for a body declared over the limit, once the body is drained (or the bounds are hit). */
export async function drainThenRefuse(request: Request): Promise<Response> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = request.body?.getReader();
  } catch {
    // still locked by a read that went over the limit: nothing more to drain here
  }
  if (reader) {
    let left = LINGER_BYTES;
    const timer = setTimeout(() => reader.cancel().catch(() => {}), LINGER_MS);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || (left -= value.byteLength) < 0) break;
      }
    } catch {
      // the client left, or the bound's timer cancelled the read
    } finally {
      clearTimeout(timer);
    }
  }
  return tooLarge();
}
