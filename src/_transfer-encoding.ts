/**
 * The one rule for a request's Transfer-Encoding: `chunked` alone, or 400.
 * Each runtime's parser has its own idea of the rest (measured on Node 20,
 * Deno 2.9.6, Bun 1.4.5): Node's and Deno's read `gzip, chunked` as chunked
 * and hand the app a body still gzip-coded, and an empty list element beside
 * chunked is served by one and refused by another, in each position a
 * different way. omniserve refuses them all, so no shape is read one way here
 * and another way by a proxy in front.
 * @module
 */
import { badRequest } from "./_handler.ts";
import { logRejected } from "./_log.ts";

/**
 * Why a request's Transfer-Encoding (its fields joined with commas) gets 400,
 * or undefined when it is `chunked` alone (any case, spaces around it). A list
 * whose final coding is not chunked has no framing a server can read (RFC 9112
 * 6.3). One that names another coding beside it (`gzip, chunked`, or `gzip`
 * and `chunked` in two fields) is framed, but no runtime decodes a transfer
 * coding but chunked, so the app would read coded bytes as the body: Bun.serve
 * answers 400 to it itself (oven-sh/bun#35295). An empty element (`, chunked`,
 * an empty field beside a `chunked` one) is one RFC 9110 5.6.1 tells a
 * recipient to ignore, but the three parsers disagree on each such shape
 * (Deno's refuses them all), and a proxy may too: refused.
 */
export function transferEncodingProblem(te: string): string | undefined {
  return /^[ \t]*chunked[ \t]*$/i.test(te) ? undefined : `Transfer-Encoding "${te}" is not chunked alone`;
}

/**
 * Deno and Bun, for a request with a body but no Content-Length (`headers`
 * already read for it, so this costs one lookup, never a GET's): the logged
 * 400 for a Transfer-Encoding `transferEncodingProblem` refuses, or undefined
 * (`ip` is asked only then).
 * Node's adapter checks the same rule in its head scan (adapters/node/_head.ts).
 */
export function refusedTransferEncoding(headers: Headers, ip: () => string | undefined, close: boolean): Response | undefined {
  const te = headers.get("transfer-encoding");
  const problem = te === null ? undefined : transferEncodingProblem(te);
  if (problem === undefined) return undefined;
  logRejected(ip(), "400 Bad Request", problem);
  return badRequest(close);
}
