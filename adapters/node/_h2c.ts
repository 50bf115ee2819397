/**
 * Cleartext HTTP/2 with prior knowledge (h2c, RFC 9113 3.3) on the port of an
 * `http.Server`: each new connection's first bytes are compared with the
 * HTTP/2 connection preface; a match goes to the HTTP/2 server, anything else
 * to node:http exactly as before. The check runs once per connection, so a
 * keep-alive HTTP/1.1 client pays nothing per request.
 * @module
 */
import type http from "node:http";
import type http2 from "node:http2";
import type { Socket } from "node:net";

/** RFC 9113 3.4: what every HTTP/2 client sends first. */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Route `h1`'s new connections that start with the preface to `h2`; close
 * those silent for `idleMs`. Returns what closes the connections still
 * undecided (a graceful stop does not wait for a client that never spoke).
 */
export function sniffH2c(h1: http.Server, h2: http2.Http2Server, idleMs: number): () => void {
  const [http1] = h1.listeners("connection") as ((socket: Socket) => void)[];
  const undecided = new Set<Socket>();
  h1.removeListener("connection", http1);
  h1.on("connection", (socket: Socket) => {
    let seen: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      seen = seen === undefined ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const maybeH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (maybeH2 && n < PREFACE.length) return; // a prefix of the preface: wait for the rest
      undecided.delete(socket);
      socket.off("data", onData).off("timeout", drop).off("error", drop);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(seen);
      if (maybeH2) {
        // node:http accepts connections half-open (a client's FIN leaves the socket open for the answer);
        // an HTTP/2 session only learns of a client that left when its socket closes, so close it at
        // the FIN, as http2.createServer's own connections do. Without this, a session whose client
        // had gone kept its streams: a response stream went on being pulled, never cancelled.
        socket.allowHalfOpen = false;
        h2.emit("connection", socket);
      } else {
        http1.call(h1, socket);
        socket.resume();
      }
    };
    const drop = () => {
      undecided.delete(socket);
      socket.destroy();
    };
    undecided.add(socket);
    socket.on("data", onData).on("timeout", drop).on("error", drop).setTimeout(idleMs);
  });
  return () => {
    for (const socket of undecided) socket.destroy();
    undecided.clear();
  };
}
