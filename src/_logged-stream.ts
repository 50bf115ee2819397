/**
 * A response body that logs its own failure: one line (`logStreamError`)
 * when the stream errors after the headers went out. Bun with
 * `development: false` reports such a failure nowhere (it only drops the
 * connection), so its adapter's Response wraps stream bodies in this.
 * @module
 */
import { logStreamError } from "./_log.ts";

/** `body`, read one chunk ahead (with none ahead, Bun streamed a 1 MiB body about a quarter slower: measured); a failed read is logged once, then fails the copy too. */
export function loggedStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        logStreamError(error);
        controller.error(error);
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
