/**
 * Lingering close on Node: a response sent before the request body arrived in
 * full (413 over `maxRequestBodySize`, or a handler that answers without
 * reading) must reach a client that is still sending. Closing the socket with
 * unread bytes in the kernel's buffer makes it send a TCP reset, which can
 * destroy the response in the client's buffer before it is read (Node's own
 * fetch then fails with EPIPE). As nginx's `lingering_close` and Go's
 * net/http do: send the response with `Connection: close`, shut down our
 * side, read and discard the rest of the body up to `LINGER_BYTES` and
 * `LINGER_MS` (src/_limit.ts), then close.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { LINGER_BYTES, LINGER_MS } from "../../src/_limit.ts";
import type { Head } from "./_head.ts";


/**
 * A body Node may drain itself after an early response, keeping the connection
 * (Go's net/http reads up to 256 KiB for the same reason).
 */
const SMALL_BODY = 256 * 1024;

/** What a request head announces: 0 no body, 1 a small one, 2 a large or chunked one. */
export type Body = 0 | 1 | 2;

/** The body a head announces (Content-Length, or Transfer-Encoding: chunked). */
export function announcedBody(head: Head): Body {
  if (head.transferEncoding !== undefined) return 2;
  const length = head.contentLength;
  if (length === undefined || length === "0") return 0;
  return Number(length) <= SMALL_BODY ? 1 : 2;
}

/**
 * Whether the response about to be sent closes the connection (`close` as
 * asked): an early response to a large or chunked body does, and lingers; so
 * does a closing one to any body. Node drains a small one and keeps the connection.
 */
export function closeAfterEarly(req: IncomingMessage, body: Body, close: boolean): boolean {
  if (body === 0 || req.complete || (body === 1 && !close)) return close;
  lingerOnClose(req);
  return true;
}

/**
 * Make the close that follows this request's response a lingering one. Node
 * closes a `Connection: close` response's socket with `destroySoon()` once the
 * response is written; this socket's version lingers instead.
 */
function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket as Socket & { destroySoon(): void };
  socket.destroySoon = () => linger(socket, req);
}

function linger(socket: Socket & { destroySoon(): void }, req: IncomingMessage): void {
  // FIN once the response is flushed; the http server is half-open, so reading goes on.
  delete (socket as { destroySoon?: unknown }).destroySoon; // Node's own again
  if (req.complete) return socket.destroySoon();
  socket.end();
  let left = LINGER_BYTES;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  // Whoever read the body (the handler, a stream over it) let go of it: discard the rest.
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    if ((left -= chunk.length) < 0) close();
  });
  req.once("end", close);
  req.resume();
}
