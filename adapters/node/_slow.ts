/**
 * Slow clients on Node, cut off by the bounds the README's "Slow clients"
 * documents (Bun applies them natively): a request head must arrive whole
 * within {@link HEADERS_TIMEOUT_MS}, and a request body must bring at least
 * {@link BODY_MIN_BYTES} in every `idleTimeout` seconds (a stalled body, or
 * one trickling a byte every few seconds, is cut). Either way the connection
 * is closed without a response, as Bun does. Node's own defaults keep a slow
 * head for 60-90 s (then its 408), a slow body for 300 s and a TLS handshake
 * that never completes for 120 s, where this bound is the head's.
 * @module
 */
import type { IncomingMessage, ServerOptions } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";

/** A request head must arrive whole within this long (Bun's fixed bound, uWebSockets' 10 s). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The least a request body must bring in every `idleTimeout` seconds. */
export const BODY_MIN_BYTES = 1024;

/**
 * node:tls's option for the same bound on a TLS handshake, before any head can start: a client that connects
 * and sends nothing, or half a ClientHello, is closed as Bun closes it (node:tls's own default keeps it 120 s).
 */
export const HANDSHAKE_BOUND: { handshakeTimeout: number } = { handshakeTimeout: HEADERS_TIMEOUT_MS };

/** node:http options for the head bound: Node checks it every `connectionsCheckingInterval`. */
export const HEAD_BOUND: ServerOptions = { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1_000 };

/**
 * Close the connection when the body of `req` brings less than
 * `BODY_MIN_BYTES` in a window of `ms` while Node was ready to read (its
 * buffer not full: a handler that does not read yet is not the client's fault).
 */
export function boundBody(req: IncomingMessage, ms: number): void {
  const socket = req.socket;
  bound(req, ms, socket, () => socket.destroy(), req);
}

/**
 * {@link boundBody} for an HTTP/2 stream, on its connection's bytes (a stream's own are not counted without
 * reading them, which Node's compatibility request does only once the handler reads). Until then the body
 * waits in the stream's buffer: that one being full is Node not ready to read.
 */
export function boundStreamBody(req: Http2ServerRequest, ms: number): void {
  const { stream } = req;
  const session = stream.session!;
  bound(req, ms, session.socket, () => session.destroy(), stream);
}

function bound(req: IncomingMessage | Http2ServerRequest, ms: number, socket: Socket, cut: () => void, held: Readable): void {
  let seen = socket.bytesRead;
  const timer = setInterval(() => {
    const read = socket.bytesRead;
    const ready = req.readableLength < req.readableHighWaterMark && held.readableLength < held.readableHighWaterMark;
    if (read - seen < BODY_MIN_BYTES && !req.complete && ready) cut();
    seen = read;
  }, ms);
  timer.unref();
  const stop = () => clearInterval(timer);
  req.once("end", stop).once("close", stop);
}
