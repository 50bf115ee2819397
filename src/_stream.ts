/**
 * The log line for a response stream that fails after the headers are sent
 * (the adapter aborts the connection). Deno and Bun print such failures
 * themselves, with a stack or code frame; wrapping every stream to make that
 * one line cost Bun about a fifth of its stream throughput, so they keep theirs.
 * @module
 */

/** `omniserve: ERR_RESPONSE_STREAM <message>`: the one line for a failed response stream. */
export function streamErrorLine(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return `omniserve: ERR_RESPONSE_STREAM response stream failed after the headers were sent: ${message}`.replace(/\s+/g, " ");
}
