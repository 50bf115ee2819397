/**
 * Writing a response's head, and aborting a response, on both protocols the
 * Node adapter speaks (Node's HTTP/2 compatibility response has a `stream`).
 * Over HTTP/2 there is no reason phrase and no connection-specific header
 * (RFC 9113 8.2.2, 8.3.2): Node would throw for them, so they are left out.
 * @module
 */
import type { ServerResponse } from "node:http";
import http2 from "node:http2";

/** Header names HTTP/2 forbids (lower case). */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

export function writeHead(res: ServerResponse, status: number, statusText: string | undefined, headers: string[]): void {
  if ((res as { stream?: unknown }).stream === undefined) {
    // node:http adds `Connection: keep-alive` and `Keep-Alive: timeout=N` where an HTTP/1.1 connection
    // persists, and `Connection: close` to an HTTP/1.0 request, which closes anyway; Deno and Bun send
    // neither, both being the default. With the header removed, Node sends none and still persists or
    // closes as it would have. An app's own Connection header, or an HTTP/1.1 close, is left to Node.
    if (res.req.httpVersionMinor === 1 ? res.shouldKeepAlive : !res.shouldKeepAlive) {
      if (!hasHeader(headers, "connection")) res.removeHeader("connection");
    }
    res.writeHead(status, statusText || undefined, headers);
    return;
  }
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!CONNECTION_SPECIFIC.has(headers[i].toLowerCase())) kept.push(headers[i], headers[i + 1]);
  }
  res.writeHead(status, kept);
}

/**
 * True when the response's HTTP/2 stream was reset (by the client, or by an
 * abort): Node's compatibility response then counts as finished, though the
 * client never got it.
 */
export function streamReset(res: ServerResponse): boolean {
  const stream = (res as { stream?: http2.ServerHttp2Stream }).stream;
  return stream !== undefined && stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR;
}

/**
 * Abort a response whose head is out: HTTP/1.1 closes the connection, HTTP/2
 * resets the stream with INTERNAL_ERROR (RFC 9113 8.1), so the client never
 * takes a cut body for a whole one and the connection's other streams go on.
 */
export function abortResponse(res: ServerResponse): void {
  const stream = (res as { stream?: http2.ServerHttp2Stream }).stream;
  if (stream === undefined) res.destroy();
  else stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
}

/** True when the flat [name, value, ...] list names `lowerName` (any case). */
export function hasHeader(flat: string[], lowerName: string): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return true;
  }
  return false;
}
