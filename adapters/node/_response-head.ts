/**
 * Writing a response's head, and aborting a response, on both protocols the
 * Node adapter speaks (Node's HTTP/2 compatibility response has a `stream`).
 * Over HTTP/2 there is no reason phrase and no connection-specific header
 * (RFC 9113 8.2.2, 8.3.2): Node would throw for them, so they are left out.
 * @module
 */
import { type ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from "node:http";
import http2 from "node:http2";

/** Header names HTTP/2 forbids (lower case). */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/**
 * The head of a response. Its reason phrase is the status code's own, never the app's `statusText`, and
 * empty for a code Node has none for: Deno and Bun send no other (a custom one is dropped), and clients
 * read that as `statusText`.
 */
export function writeHead(res: ServerResponse, status: number, headers: string[]): void {
  const stream = h2Stream(res);
  if (stream === undefined) {
    writeHead1(res, status, headers);
    return;
  }
  if (stream.destroyed || stream.closed) return; // reset by the client: nothing to answer (as the compatibility API does)
  // The compatibility response's own `wantTrailers` listener sends the (empty) trailers.
  stream.respond(h2Head(status, headers), UNTIL_TRAILERS);
}

/**
 * A whole response: the head and a body of known bytes (`null`: none) at
 * once. Over HTTP/2 it goes straight to the stream, the body with
 * END_STREAM on its one DATA frame (none for an empty body), without the
 * compatibility response's `end()` and the empty trailers it waits for:
 * 0.74 of the CPU per hello of that way, raw `node:http2` servers measured
 * side by side under the same h2load (2026-11-28). A body of known bytes
 * cannot fail after its head, which is what the trailers are for on a
 * stream (see {@link writeHead}).
 */
export function writeWhole(res: ServerResponse, status: number, headers: string[], body: string | Uint8Array | null): void {
  const stream = h2Stream(res);
  if (stream === undefined) {
    writeHead1(res, status, headers);
    if (body === null) res.end();
    else res.end(typeof body === "string" && !asciiValues(headers) ? Buffer.from(body) : body);
    return;
  }
  if (stream.destroyed || stream.closed) return;
  const empty = body === null || body.length === 0;
  // After a request body, a stream ended at once is closed under its write, and Node 20 builds an
  // ERR_STREAM_DESTROYED for it (6.7% of an h2 upload's CPU profile): there, END_STREAM waits for the
  // (empty) trailers, which cost 0.96 of ending at once (raw servers side by side, 64 KiB uploads).
  stream.respond(h2Head(status, headers), empty ? ENDED : stream.endAfterHeaders ? OPEN : UNTIL_TRAILERS);
  if (!empty) stream.end(body);
}

/**
 * True when every header value is ASCII. node:http writes the head in the
 * same write as a string body, and so as UTF-8 (`café` as `caf\xC3\xA9`);
 * beside bytes it writes the head as Latin-1, one byte per character, which
 * is what a Headers value means (a ByteString) and what Deno, Bun and Node's
 * HTTP/2 send. A string body goes out as bytes when some value is not ASCII.
 */
function asciiValues(headers: string[]): boolean {
  for (let i = 1; i < headers.length; i += 2) if (NOT_ASCII.test(headers[i])) return false;
  return true;
}

const NOT_ASCII = /[\u0080-\uffff]/;

function h2Stream(res: ServerResponse): http2.ServerHttp2Stream | undefined {
  return (res as { stream?: http2.ServerHttp2Stream }).stream;
}

function writeHead1(res: ServerResponse, status: number, headers: string[]): void {
  // node:http adds `Connection: keep-alive` and `Keep-Alive: timeout=N` where an HTTP/1.1 connection
  // persists, and `Connection: close` to an HTTP/1.0 request, which closes anyway; Deno and Bun send
  // neither, both being the default. With the header removed, Node sends none and still persists or
  // closes as it would have. An app's own Connection header, or an HTTP/1.1 close, is left to Node.
  if (res.req.httpVersionMinor === 1 ? res.shouldKeepAlive : !res.shouldKeepAlive) {
    if (!hasHeader(headers, "connection")) res.removeHeader("connection");
  }
  res.writeHead(status, STATUS_CODES[status] ?? "", headers);
}

/**
 * The head of an HTTP/2 response as one headers object, for the stream
 * itself. The compatibility response's writeHead copies each header through
 * its own checks into an object of its own and then builds the headers
 * again: the largest cost omniserve added to a hello over h2 (CPU profile,
 * 2026-11-28). A head for a body that may still fail (a stream) waits for
 * (empty) trailers before END_STREAM: a failing body's abort (RST_STREAM)
 * then never follows a clean end, and a stream the client already
 * half-closed is not destroyed under a write still in flight (Node 20 then
 * builds an ERR_STREAM_DESTROYED per response, measured: a heap profile of
 * uploads). Names and values are checked as node:http checks them, so a bad
 * one throws before anything is sent (a 500), on HTTP/2 as on HTTP/1.1.
 */
function h2Head(status: number, headers: string[]): http2.OutgoingHttpHeaders {
  // A plain object, not a null-prototype one: Node copies it (for...in) into one of its own, and
  // that copy and respond() took 2.3 times as long with a dictionary-mode object (CPU profiles of
  // h2load hellos, 2026-11-28; the bench's h2-hello went 0.67 → 0.78-0.84 of raw per CPU-s).
  const head: http2.OutgoingHttpHeaders = { ":status": status };
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i].toLowerCase();
    if (CONNECTION_SPECIFIC.has(name)) continue;
    const value = headers[i + 1];
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const seen = head[name];
    // Inherited names (constructor, toString, __proto__) are not headers yet.
    if (seen === undefined || !Object.hasOwn(head, name)) setOwn(head, name, value);
    else if (Array.isArray(seen)) seen.push(value);
    else head[name] = [seen as string, value];
  }
  return head;
}

/** `head[name] = value`, also for a header named `__proto__`, which an assignment would not add. */
function setOwn(head: http2.OutgoingHttpHeaders, name: string, value: string): void {
  if (name !== "__proto__") head[name] = value;
  else Object.defineProperty(head, name, { value, enumerable: true, writable: true, configurable: true });
}

const UNTIL_TRAILERS: http2.ServerStreamResponseOptions = { waitForTrailers: true };
const ENDED: http2.ServerStreamResponseOptions = { endStream: true };
const OPEN: http2.ServerStreamResponseOptions = {};

/**
 * True when the response closed before it was sent whole. Over HTTP/1.1 that
 * is node:http's `writableFinished`. Over HTTP/2 it is the stream's reset
 * (by the client, or by an abort), with any code: a client's may carry
 * NO_ERROR (undici's abort sends that), so `aborted` (closed before the
 * response ended) says it too. The compatibility response's
 * `writableFinished` is no sign there either way: it counts a reset stream as
 * finished, and a stream whose request body was opened though it had none
 * (`clone()` of a DELETE) closes with a whole response unfinished.
 */
export function responseCut(res: ServerResponse): boolean {
  const stream = h2Stream(res);
  if (stream === undefined) return !res.writableFinished;
  return stream.aborted || (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR);
}

/**
 * Abort a response whose head is out: HTTP/1.1 closes the connection, HTTP/2
 * resets the stream with INTERNAL_ERROR (RFC 9113 8.1), so the client never
 * takes a cut body for a whole one and the connection's other streams go on.
 */
export function abortResponse(res: ServerResponse): void {
  const stream = h2Stream(res);
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
