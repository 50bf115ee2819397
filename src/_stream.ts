/**
 * Response streams that fail after the headers are sent must abort the
 * connection, and the failure must be one log line. Deno and Bun abort on a
 * stream error but print the error with a stack or code frame; this wrapper
 * hands them a value they print as one line (or not at all).
 * @module
 */

/** Wrap `source`; when it fails, `onError(error)` returns the value to fail the response with. */
export function guardStream(
  source: ReadableStream<Uint8Array>,
  onError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next;
      try {
        next = await reader.read();
      } catch (error) {
        controller.error(onError(error));
        return;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** `omniserve: ERR_RESPONSE_STREAM <message>`: the one line for a failed response stream. */
export function streamErrorLine(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return `omniserve: ERR_RESPONSE_STREAM response stream failed after the headers were sent: ${message}`.replace(/\s+/g, " ");
}
