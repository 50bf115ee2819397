/**
 * The one rule for a request's Transfer-Encoding, for the adapters whose
 * runtime parser leaves it to the server (Node's llhttp and Deno's hyper read
 * `gzip, chunked` as chunked and hand the app the body still gzip-coded).
 * @module
 */

/**
 * Why a request's Transfer-Encoding (its fields joined with commas) gets 400,
 * or undefined when it is `chunked` alone. A list whose final coding is not
 * chunked has no framing a server can read (RFC 9112 6.3); one that names any
 * other coding beside it (`gzip, chunked`, or `gzip` and `chunked` in two
 * fields) is framed, but none of the three runtimes decodes a transfer coding
 * but chunked, so the app would read coded bytes as the body: Bun.serve answers
 * 400 to both itself (oven-sh/bun#35295), and so does omniserve elsewhere.
 * Empty list elements do not count (RFC 9110 5.6.1).
 */
export function transferEncodingProblem(te: string): string | undefined {
  return /^[ \t,]*chunked[ \t,]*$/i.test(te) ? undefined : `Transfer-Encoding "${te}" is not chunked alone`;
}
