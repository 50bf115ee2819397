/**
 * `maxRequestBodySize` on Bun, checked in JavaScript. Bun's own limit answers
 * 413 (with an empty body and its own status text) and closes the socket at
 * once, with the client's body still arriving: the kernel then resets the
 * connection, and a client that is still sending (Node's fetch) sees EPIPE
 * instead of the 413. Bun closes the same way after any response that says
 * `Connection: close`. Without it, Bun reads and discards the rest of the
 * body after the response, so the shared 413 goes out without it (named
 * exception `bun413KeepsConnection`), and Bun's own limit stays, `LINGER_BYTES`
 * above ours, as the bound on what it reads.
 * @module
 */
import { LINGER_BYTES, tooLarge } from "../../src/_limit.ts";

/** What Bun.serve enforces itself for `maxRequestBodySize` = `max`. */
export function nativeBodyLimit(max: number): number {
  return max + LINGER_BYTES;
}

/** The 413 Bun sends for a body over the limit: Bun drains the body and keeps the connection. */
export function refuse(): Response {
  return tooLarge(false);
}
