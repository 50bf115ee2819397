/**
 * Named, documented places where a runtime's own server cannot be made to
 * match the contract. Each conformance case that depends on one asserts the
 * documented behaviour on the listed runtimes (never a skip). The README's
 * runtime table lists the same entries.
 */
import type { Runtime } from "../src/types.ts";

export interface RuntimeException {
  runtimes: Runtime[];
  reason: string;
}

export const EXCEPTIONS = {
  headerLimit64KiB400: {
    runtimes: ["deno"],
    reason:
      "Deno.serve's HTTP parser (hyper) accepts request heads up to about 64 KiB, where Node and Bun stop at " +
      "16 KiB, and rejects larger ones with 400 before any JavaScript runs, so the adapter can answer neither " +
      "431 nor enforce 16 KiB without walking every request's headers (too slow for the speed bar). " +
      "See denoland/deno#21047 for hyper's limits.",
  },
  absoluteFormUsesHost: {
    runtimes: ["bun"],
    reason:
      "Bun.serve builds request.url from the Host header and does not expose the request target's authority " +
      "to JavaScript, so an absolute-form target cannot win over Host (RFC 9112 3.2.2); path and query are kept. " +
      "Upstream: oven-sh/bun#33002 (closed, not in Bun 1.4.5).",
  },
  binaryContentType: {
    runtimes: ["bun"],
    reason:
      "Bun.serve adds content-type: application/octet-stream to a binary body that has none, where the Fetch " +
      "standard, Node and Deno send no content-type. omniserve sets the same header in the Response's headers on " +
      "Bun so HEAD still matches GET, but cannot remove it from the wire.",
  },
  noIdleTimeout: {
    runtimes: ["deno"],
    reason:
      "Deno.serve has no idle-connection timeout option and does not expose its connections to JavaScript, " +
      "so idleTimeout cannot close an idle keep-alive connection on Deno.",
  },
  brokenBodyCloses: {
    runtimes: ["deno"],
    reason:
      "When a request body breaks its framing mid-way (a bad chunk size), Deno.serve's parser drops the " +
      "connection without a response; the handler only sees its body read fail. Node (through the adapter) and " +
      "Bun answer 400.",
  },
  bun505: {
    runtimes: ["bun"],
    reason:
      "Bun.serve's parser answers 505 HTTP Version Not Supported, not 400, when the request line has a NUL or a " +
      "space in the target or an unknown version, before any JavaScript runs.",
  },
  bunHostNotValidated: {
    runtimes: ["bun"],
    reason:
      "Bun.serve accepts two Host headers and an empty one (RFC 9112 3.2 says 400), and with an empty Host gives " +
      "request.url without scheme or authority (oven-sh/bun#33721). Checking Host in the adapter would mean " +
      "reading request.headers on every request, which costs Bun 15-20% of a hello request.",
  },
  denoHostOptional: {
    runtimes: ["deno"],
    reason:
      "Deno.serve answers an HTTP/1.1 request without Host, or with an empty one, and builds request.url on " +
      "http://localhost:PORT (RFC 9112 3.2 says 400; denoland/deno#29872, denoland/deno#33234). Deno does not tell " +
      "JavaScript the HTTP version, and an HTTP/2 request carries :authority, never Host, so the adapter cannot " +
      "tell the two apart: the check it had answered 400 to every HTTP/2 request for https://localhost:PORT, which " +
      "is what a browser sends. It also cost Deno about 10% of a hello request.",
  },
  denoNegotiatesH2: {
    runtimes: ["deno"],
    reason:
      "With TLS, Deno.serve offers HTTP/2 by ALPN and has no option to turn it off, so a client that offers h2 " +
      "(every browser) speaks HTTP/2 to Deno and HTTP/1.1 to Node and Bun until omniserve serves HTTP/2 everywhere.",
  },
  denoBlobChunked: {
    runtimes: ["deno"],
    reason:
      "Deno.serve sends a Blob body chunked, without Content-Length, although its size is known. Setting the " +
      "header would mean replacing Deno's Response class, which costs every response; Blob bodies are rare.",
  },
  bunCharsetLowercase: {
    runtimes: ["bun"],
    reason:
      "Bun writes a string body's content-type as text/plain;charset=utf-8 (lower-case charset; charset names " +
      "are case-insensitive, RFC 9110 8.3.2) where Node, Deno and the Fetch standard say charset=UTF-8. " +
      "Putting the standard spelling into every string response's headers costs Bun's fast path about 5% of " +
      "a hello request (measured with the bench), so omniserve keeps Bun's spelling, in the headers too.",
  },
  bunInspectEmpty: {
    runtimes: ["bun"],
    reason:
      "Bun's node:util inspect prints a native Request or Headers as `Request {}` / `Headers {}`, without its " +
      "fields (console.log and Bun.inspect print them). The request is Bun's own; omniserve would have to patch " +
      "Bun's web prototypes globally. Upstream: oven-sh/bun#35292 (closed, not in Bun 1.4.5).",
  },
  nodeForeignChunked: {
    runtimes: ["node"],
    reason:
      "A light Response from another library (srvx's, @hono/node-server's) hands the server its status, headers " +
      "and a body stream. Deno and Bun learn a fixed-size body's length from their own Response underneath and " +
      "send Content-Length; on Node undici does not expose it, so the body goes out chunked. Status, headers and " +
      "bytes are the same.",
  },
  denoAbsoluteScheme: {
    runtimes: ["deno"],
    reason:
      "On a plain-HTTP listener Deno.serve keeps an absolute-form target's scheme as sent in request.url " +
      "(`GET https://a.example/x` shows https://, `HTTP://` stays upper-case). Deno builds request.url only " +
      "when it is read, and reading it in the adapter costs a hello request 1-3 microseconds of about 18 " +
      "(measured in the handler). Over TLS, where `http://` would be a downgrade, the adapter checks every request.",
  },
} satisfies Record<string, RuntimeException>;

/** True when `runtime` is listed under `exceptions[name]`. */
export function applies<T extends Record<string, RuntimeException>>(exceptions: T, name: keyof T, runtime: Runtime): boolean {
  return exceptions[name].runtimes.includes(runtime);
}
