/**
 * One line per event on stderr. Tests and the CLI read these lines, so keep
 * the `omniserve: ` prefix stable.
 * @module
 */

/** Log one line: `omniserve: <message>`. */
export function logLine(message: string): void {
  console.error(`omniserve: ${message}`);
}

/** Log an error from a request in one line: method, path, code or name, message. */
export function logRequestError(error: unknown, request?: Request): void {
  const where = request ? `${request.method} ${pathOf(request.url)}: ` : "";
  const err = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  const what = err && typeof err === "object"
    ? `${String(err.code ?? err.name ?? "Error")} ${String(err.message ?? "")}`
    : String(error);
  logLine(`${where}${what.replace(/\s+/g, " ").trim()}`);
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "/" : url.slice(start);
}

/**
 * One line for a response stream that failed after the headers were sent (the
 * adapter aborts the connection). Deno and Bun print such failures themselves,
 * with a stack or code frame: wrapping every stream to make that one line cost
 * Bun about a fifth of its stream throughput, so they keep theirs.
 */
export function logStreamError(error: unknown): void {
  const message = (error as Error)?.message ?? String(error);
  logLine(`ERR_RESPONSE_STREAM response stream failed after the headers were sent: ${message}`.replace(/\s+/g, " "));
}
