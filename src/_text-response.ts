/**
 * A short text answer of omniserve's own (a 404, a 406), written once for
 * GET and HEAD alike.
 * @module
 */

/**
 * `text` as text/plain with `status`. To HEAD, the GET's headers with no
 * body: a Response with a body answers HEAD fine on Node and Bun, but Deno
 * resets such an HTTP/2 stream after its headers (denoH2HeadReset; `curl -I
 * --http2` failed on every 404), and here the length is known.
 */
export function textResponse(method: string, status: number, text: string, extra?: Record<string, string>): Response {
  const headers = { "content-type": "text/plain;charset=UTF-8", ...extra };
  if (method === "HEAD") return new Response(null, { status, headers: { ...headers, "content-length": String(text.length) } });
  return new Response(text, { status, headers });
}
