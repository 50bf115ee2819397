/**
 * The one registry of runtime exceptions: named, documented places where a
 * runtime's own server (HTTP) or WebSocket cannot be made to match the
 * contract. Each conformance case that depends on one asserts the documented
 * behaviour on the listed runtimes (never a skip, never a looser assertion).
 * The reasons are written here once: the README's two exception tables are
 * rendered from this file (`npm run readme`), and test/docs.test.ts fails
 * when they differ. Versions: Deno 2.9.6, Bun 1.4.5.
 *
 * The Deno WebSocket entries have a measured way out: the Node adapter runs
 * unchanged on Deno's `node:http` and passes every WebSocket and HTTP case
 * (the Deno entries disappear), but a hello request then costs Deno about 2.5
 * times the CPU of `Deno.serve` (1.9 times for a JSON echo; median of 5
 * alternating pairs, 2026-11-25). omniserve keeps Deno.serve; those gaps only
 * show with clients that break the protocol.
 * @module
 */
import type { Runtime } from "../../src/types.ts";

/** One exception, as the README's tables show it (markdown allowed in the texts). */
export interface RuntimeException {
  /** Which README table: the HTTP contract, WebSockets, or the CLI. */
  area: "http" | "ws" | "cli";
  runtimes: Runtime[];
  /** What the runtime does instead of the contract. */
  differs: string;
  /** Why omniserve cannot (or chooses not to) close the gap: the upstream cause, issue and measured cost. */
  why: string;
}

export const EXCEPTIONS = {
  headerLimit64KiB400: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "request heads between 16 and ~64 KiB are accepted (Node and Bun answer 431); larger ones get 400, not 431",
    why:
      "Deno.serve's parser (hyper) decides before JavaScript runs ([denoland/deno#21047](https://github.com/denoland/deno/issues/21047)); " +
      "checking every request's header size in JS would cost the speed bar",
  },
  absoluteFormUsesHost: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "`request.url` takes its authority from Host, not from an absolute-form target (RFC 9112 3.2.2); path and query are kept",
    why:
      "Bun.serve does not expose the request target's authority to JavaScript " +
      "([oven-sh/bun#33002](https://github.com/oven-sh/bun/pull/33002), not in 1.4.5)",
  },
  noIdleTimeout: {
    area: "http",
    runtimes: ["deno"],
    differs: "`idleTimeout` does not close idle keep-alive connections",
    why: "Deno.serve has no idle-timeout option and does not expose its connections",
  },
  brokenBodyCloses: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a body that breaks its framing mid-way (bad chunk size) closes the connection without a response; Node and Bun answer 400",
    why: "Deno.serve's parser drops the connection; the handler only sees its body read fail",
  },
  bun413KeepsConnection: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "the 413 for a body over `maxRequestBodySize` keeps the connection (no `Connection: close`): Bun reads and " +
      "discards the rest of the body, up to the limit plus 64 MiB (past that, Bun's own 413 with its status text and an " +
      "empty body, and a reset)",
    why:
      "Bun closes the socket at once after a `Connection: close` response, with the client's body still arriving, and " +
      "the kernel's reset can destroy the response before the client reads it (Node's fetch sees EPIPE); Bun lingers " +
      "only on a connection it keeps",
  },
  denoStreamErrorOwnLine: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a response stream that fails after the headers were sent is logged by Deno itself (the error and its stack), " +
      "not as omniserve's one `ERR_RESPONSE_STREAM` line",
    why:
      "Deno.serve prints the error a response body fails with whatever it is (an AbortError, `undefined`), and gives " +
      "no way to end a chunked body as broken without failing the stream",
  },
  denoStreamChunksUint8ArrayOnly: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a response stream chunk that is not a Uint8Array (a string, an ArrayBuffer, another view) ends the body there, " +
      "and Deno logs its own `TypeError: expected typed ArrayBufferView` with a stack; Node and Bun send strings as UTF-8 " +
      "and views as their bytes, and log one `ERR_RESPONSE_STREAM` line for a chunk that is not bytes (a number, a Blob)",
    why:
      "Deno's stream controller, under Deno.serve, refuses anything but a Uint8Array in `enqueue()` itself; copying " +
      "every stream through a check in JS cost the 1 MiB stream scenario about 18% per CPU-second (0.72 against 0.87 " +
      "of raw, one run each, 2026-11-28)",
  },
  denoCancelReasonString: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a response stream's `cancel()` is given the string `resource closed` when the client leaves mid-body; Node and " +
      "Bun give an `AbortError` DOMException",
    why:
      "Deno.serve cancels the body itself with the error of the connection it lost; another reason would mean copying " +
      "every response stream in JavaScript, the cost measured for `denoStreamChunksUint8ArrayOnly`",
  },
  denoH2SignalMidBody: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "over HTTP/2, a client that leaves while the response body streams does not abort `request.signal` (the body's " +
      "`cancel()` runs); over HTTP/1.1 it aborts, as on Node and Bun",
    why:
      "Deno.serve aborts the signal of an HTTP/2 request only when the stream goes before the response (measured on " +
      "2.9.6, h2 and h2c); the signal is Deno's own, and a request rebuilt with one of omniserve's would cost every request",
  },
  denoSignalMidBodyLost: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "over HTTP/1.1, a client that leaves while the response body streams usually aborts `request.signal`, but now " +
      "and then (measured: 9 of 250 such requests on a loaded machine, 0 of 30 on an idle one) the signal never aborts, " +
      "though the body's `cancel()` runs; on Node and Bun it always aborts",
    why:
      "the signal is Deno.serve's own and only Deno can abort it (measured on 2.9.6, with and without `reusePort`; " +
      "still not aborted 12 s later); a request rebuilt with a signal of omniserve's would cost every request",
  },
  denoSlowClientsKept: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a request head that takes longer than 10 s, or a body trickling under 1 KiB per `idleTimeout`, keeps its " +
      "connection open, over HTTP/1.1 and HTTP/2 (Node and Bun close it). A body of unknown length (chunked) that " +
      "brings nothing at all for `idleTimeout` while the handler reads it gets a 408 from omniserve, and one log line; " +
      "its connection is still kept",
    why:
      "Deno.serve has no header or body timeout (hyper's `header_read_timeout` needs a timer Deno does not install; " +
      "[denoland/deno#3515](https://github.com/denoland/deno/issues/3515)) and exposes no connections to close; " +
      "the handler runs only once the head is complete",
  },
  denoTlsHandshakeKept: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a TLS connection that never completes its handshake (silent, or half a ClientHello) stays open (measured past " +
      "40 s); Node and Bun close it after 10 s, the head bound",
    why:
      "Deno.serve has no handshake timeout and exposes no connection before its request, as for `denoSlowClientsKept` " +
      "([denoland/deno#3515](https://github.com/denoland/deno/issues/3515))",
  },
  denoBareLfAccepted: {
    area: "http",
    runtimes: ["deno"],
    differs: "a request head whose lines end in a bare LF is served (RFC 9112 2.2 allows it); Node answers 400 and Bun 505",
    why: "Deno.serve's parser (hyper) takes a bare LF as a line end before JavaScript runs",
  },
  bunBareLf505: {
    area: "http",
    runtimes: ["bun"],
    differs: "a request line ending in a bare LF gets 505 instead of 400 (a header line ending in one gets 400; Deno serves both)",
    why: "Bun.serve's parser answers a request line that does not end in CRLF with 505, before JavaScript runs",
  },
  identicalContentLengthsAccepted: {
    area: "http",
    runtimes: ["deno", "bun"],
    differs:
      "two Content-Length headers with the same value are taken as one (RFC 9110 8.6 allows it); Node answers 400, as " +
      "for two different values (400 everywhere)",
    why:
      "each parser decides before JavaScript runs; refusing them on Deno and Bun means reading `request.headers` on " +
      "every request (15-20% of a hello request on Bun, see `bunHostNotValidated`), and the framing is unambiguous",
  },
  bunDelInValueAccepted: {
    area: "http",
    runtimes: ["bun"],
    differs: "a DEL (0x7F) in a header value is accepted (RFC 9110 5.5 allows only visible characters, space and tab); Node and Deno answer 400",
    why: "Bun.serve's parser answers before JavaScript runs",
  },
  denoHeaderFields128: {
    area: "http",
    runtimes: ["deno"],
    differs: "a request with more than 128 header fields gets 400; Node and Bun take up to 198 and answer 431 past that",
    why: "Deno.serve's parser (hyper) caps the fields (measured on 2.9: 128 served, 129 get 400) and answers before JavaScript runs",
  },
  denoH2HeaderEntries: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "an HTTP/2 request with more than 200 header entries (its pseudo-header fields included) is served; Node and Bun " +
      "answer 431 past 200. Deno answers 431 only past its header list size bound",
    why: "Deno.serve's HTTP/2 server (hyper, h2) counts no header entries, only the list's size, and answers before JavaScript runs",
  },
  bun505: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a request line whose version part is not read as `HTTP/1.0` or `HTTP/1.1` gets 505 instead of 400: a NUL or " +
      "space in the target, a tab for a space, two spaces before the version or one after it, an unknown version " +
      "(`HTTP/9.9`, lower-case `http/1.1`)",
    why: "Bun.serve's parser answers before JavaScript runs",
  },
  bunChunkExtension413: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a chunk extension past 16 KiB gets 413 with an empty body instead of 400 (the connection is closed, as with the 400)",
    why: "Bun.serve's parser answers before JavaScript runs",
  },
  bunTrailersRefused: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a chunked request body with trailer fields (RFC 9112 7.1.2) is answered, then the trailer section is taken for " +
      "the next request: a 400 and the connection closed, so a request pipelined behind it is lost",
    why:
      "Bun.serve's parser (1.4.5) reads no trailer section after the last chunk; it answers before JavaScript runs " +
      "(measured with a bare Bun.serve as well)",
  },
  bunLeadingEmptyLine400: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "an empty line (CRLF) before a request line gets 400 and the connection closed, where RFC 9112 2.2 says to skip " +
      "it (Node and Deno do); so does the CRLF some clients send after a POST body, and the request behind it is lost",
    why:
      "Bun.serve's parser answers before JavaScript runs (measured with a bare Bun.serve as well; " +
      "[oven-sh/bun#33634](https://github.com/oven-sh/bun/pull/33634), not in 1.4.5)",
  },
  nodeRequestLineSpaces: {
    area: "http",
    runtimes: ["node"],
    differs:
      "a request line with two spaces between its parts (`GET  /path HTTP/1.1`) is served, as RFC 9112 3 allows " +
      "a recipient to; Deno and Bun refuse it (Bun with 505 when the spaces are before the version, see `bun505`)",
    why:
      "Node's parser (llhttp) skips the spaces and gives JavaScript the parsed target, never the line: telling them " +
      "apart means reading every request's bytes beside the parser (measured with a bare `node:http` server as well, " +
      "Node 20 and 24). Deno's parser (hyper) takes them only when told to " +
      "([hyperium/hyper#3929](https://github.com/hyperium/hyper/pull/3929))",
  },
  denoRefusalKeepsConnection: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "the 400 for a Transfer-Encoding beside chunked that Deno's parser takes (`gzip, chunked`) keeps the connection " +
      "when the body arrived whole: Deno reads the body as chunked (the framing RFC 9112 6.3 gives it, the one a proxy " +
      "reads) and answers a request pipelined behind it; Node and Bun close",
    why:
      "Deno.serve decides on the connection itself and gives JavaScript no way to close one; it sends a response's " +
      "`Connection: close` and keeps the connection all the same",
  },
  denoTrailers64KiB: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a chunked request's trailer section is read up to about 64 KiB, where Node answers 431 past 16 KiB (a head's " +
      "bound); past 64 KiB the body never ends: omniserve answers 408 once it brought nothing for `idleTimeout`, " +
      "logs one line, and the connection closes. Until then Deno holds every trailer byte the client sends: memory " +
      "is bounded by `idleTimeout` and the client's rate, not by a size (measured: 535 MiB from one loopback client " +
      "in the 1 s before its 408, freed after it)",
    why:
      "Deno.serve's parser (hyper) serves a trailer section up to its read buffer and, past it, neither fails the body " +
      "read nor closes, but goes on buffering what arrives (measured on 2.9.6 with a bare Deno.serve: 65,000 bytes " +
      "served, 65,536 kept past 100 s, an endless field held at 1 GiB after 2 s). omniserve sees only the body's " +
      "bytes, so its bound is the stall (adapters/deno/_stall.ts)",
  },
  denoChunkExtension8KiB: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a chunked body is refused with 400 once its chunk extensions pass somewhere under 8 KiB; Node and Bun take them up to 16 KiB",
    why: "Deno.serve's parser (hyper) has its own fixed bound on chunk extensions and fails the body read before JavaScript sees it",
  },
  denoUtf8Target: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "raw UTF-8 in the request target (`GET /caf\\xC3\\xA9`) is served, with `request.url` percent-encoded " +
      "(`/caf%C3%A9`), where Node answers 400 (RFC 9112 3.2: a target is ASCII); a byte that is not UTF-8, or DEL, gets 400",
    why:
      "Deno.serve's parser (hyper, with the `http` crate's UTF-8 paths: [hyperium/http#715](https://github.com/hyperium/http/pull/715)) " +
      "accepts them before JavaScript runs, and `request.url` arrives percent-encoded: omniserve cannot tell it from a target sent encoded",
  },
  bunRawTargetBytes: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "any byte from 0x80 to 0xFF, and DEL, in the request target is served, where Node answers 400 (RFC 9112 3.2): " +
      "`request.url` has UTF-8 percent-encoded, and each byte that is not UTF-8 as `%EF%BF%BD` (U+FFFD), so the original bytes are lost",
    why:
      "Bun.serve's parser accepts them before JavaScript runs, and `request.url` arrives percent-encoded: omniserve cannot " +
      "tell it from a target sent encoded",
  },
  bunHostNotValidated: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "two Host headers are accepted; an empty or invalid Host (`bad host`, `user@host`) is answered, with a `request.url` " +
      "without scheme or authority, as is an HTTP/1.0 request without Host (Node's `request.url` is on the server's " +
      "own address) ([oven-sh/bun#33721](https://github.com/oven-sh/bun/pull/33721))",
    why: "checking Host in JS means reading `request.headers` on every request: 15-20% of a hello request on Bun",
  },
  bunAsteriskFormRefused: {
    area: "http",
    runtimes: ["bun"],
    differs: "`OPTIONS * HTTP/1.1` (asterisk form, RFC 9112 3.2.4) gets 400; on Node and Deno the app gets it with `request.url` `http://host/*`",
    why: "Bun.serve's parser refuses the target before JavaScript runs",
  },
  denoHostOptional: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a request without Host, or with an empty one, is answered, with `request.url` on `http://localhost:PORT`; one " +
      "with an invalid Host (`bad host`) is answered too, with a `request.url` that does not parse " +
      "([denoland/deno#29872](https://github.com/denoland/deno/issues/29872), [denoland/deno#33234](https://github.com/denoland/deno/issues/33234))",
    why:
      "Deno does not tell JavaScript the HTTP version, and an HTTP/2 request has `:authority`, never Host: the adapter's " +
      "old check answered 400 to every browser asking for `https://localhost:PORT` over HTTP/2, and cost Deno about 10% of a hello request",
  },
  denoHttp2AlwaysOn: {
    area: "http",
    runtimes: ["deno"],
    differs: "`http2: false` (`--no-http2`) still speaks HTTP/2: ALPN offers h2 with TLS, and h2c by prior knowledge is accepted without",
    why: "Deno.serve has no option to turn HTTP/2 off, and `Deno.serve` cannot take a listener whose ALPN list omniserve sets",
  },
  bunH2HostHeader: {
    area: "http",
    runtimes: ["bun"],
    differs: "over HTTP/2, `request.headers` has a Host header made from `:authority`; Node and Deno show only the fields the client sent",
    why:
      "Bun.serve adds it before JavaScript runs and does not tell JavaScript the protocol; deleting it means reading " +
      "`request.headers` on every request (15-20% of a hello request on Bun, see `bunHostNotValidated`)",
  },
  denoH2HeadReset: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "over HTTP/2, a HEAD answered with a Response that has a body: its headers arrive (the GET's), then the stream " +
      "is reset with PROTOCOL_ERROR (`curl -I --http2` fails), or, for a streamed body, never ended. `serveStatic()` " +
      "and `compress()` answer HEAD with no body wherever the GET's length is known; what remains is an app's own " +
      "HEAD Response with a body (`compress()` leaves a stream or a Blob as it is), and `compress()`'s HEAD where its " +
      "GET is coded as a stream (a live body, a file)",
    why:
      "raw `Deno.serve` does the same (2.9.6); a null-body Response with the GET's Content-Length avoids it, but " +
      "the adapter cannot know a body's length without reading it (an endless stream, say), and a null body with no " +
      "Content-Length gets `content-length: 0` (over HTTP/1.1 on every runtime), not the GET's unknown length",
  },
  denoH2NoEmptyLength: {
    area: "http",
    runtimes: ["deno"],
    differs: "over HTTP/2, an empty body goes without `content-length: 0` (END_STREAM on the headers says it); over HTTP/1.1 it is sent",
    why: "Deno.serve's HTTP/2 layer writes the head; JavaScript cannot add the field",
  },
  denoH2StopCancels: {
    area: "http",
    runtimes: ["deno"],
    differs: "a graceful stop resets HTTP/2 streams still in flight (CANCEL) instead of letting them finish; HTTP/1.1 requests finish",
    why: "`Deno.serve`'s `shutdown()` does so for HTTP/2 connections, and the adapter cannot reach them",
  },
  denoH2ResetBodyReads: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a client that resets its HTTP/2 stream mid-body can leave the handler's body read succeeding with the bytes so far " +
      "(seen in some runs, not all)",
    why:
      "Deno.serve ends the request body stream as if complete; checking every body against its Content-Length in JS " +
      "would cost every upload on Deno",
  },
  denoH2PathUnchecked: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "over HTTP/2, a `:path` that is not origin-form (no leading slash, an absolute URI) reaches the app with a slash " +
      "put before it (`url` as `/url`, `https://a.example/x` as `/https://a.example/x`); Node and Bun reset the stream " +
      "with PROTOCOL_ERROR (RFC 9113 8.3.1). The host stays the `:authority`",
    why:
      "Deno.serve accepts it (2.9.6, h2 and h2c) and shows the handler only the URL it built, the same as for the " +
      "path with the slash sent; it gives no way to reset a stream from the handler",
  },
  bunCharsetLowercase: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a string body's content-type is `text/plain;charset=utf-8` (Bun's spelling; charset names are case-insensitive, RFC 9110 8.3.2)",
    why:
      "the standard spelling in every string response's headers costs Bun's fast path ~5% of a hello request (measured with the bench)",
  },
  bunJoinsRepeatedHeaders: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a response header the app sets twice (`append`, or twice in an init list) goes out as one line with the values " +
      "joined by `, `; Node and Deno send one line per value. Set-Cookie stays one line per cookie everywhere",
    why:
      "Bun.serve writes the combined value its Headers gives; the two forms mean the same (RFC 9110 5.3), and a fetch() " +
      "client reads `1, 2` from both",
  },
  bunMultipartFileType: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "`request.formData()` gives a file part of a text type `;charset=utf-8` more than its Content-Type says " +
      "(`application/json` comes out as `application/json;charset=utf-8`, `text/plain` as `text/plain;charset=utf-8`)",
    why:
      "Bun's parser types a file by its name's extension ([oven-sh/bun#33012](https://github.com/oven-sh/bun/issues/33012)), " +
      "so omniserve reads each part's Content-Type itself and makes the File anew, and Bun's File constructor adds the charset " +
      "to the types it knows as text; its FormData hands out a new File on every read, so the type cannot be set afterwards",
  },

  nodeMultipartStrict: {
    area: "http",
    runtimes: ["node"],
    differs:
      "`request.formData()` rejects with a TypeError (a 500 unless the app catches it) a multipart part with no name or " +
      "no Content-Disposition, which Deno and Bun skip, and a `\\\"` inside a quoted name (Node 20 and 24)",
    why:
      "Node's own undici parser; omniserve hands formData() to Node's Request, and a second multipart parser of its own " +
      "would be a larger surface than these inputs, which browsers and fetch() never send, are worth",
  },
  node20MultipartStrict: {
    area: "http",
    runtimes: ["node"],
    differs:
      "on Node 20 only, `request.formData()` also rejects (TypeError) a preamble before the first boundary or an " +
      "epilogue after the last, an unquoted `name=a`, and any `filename*=`; Node 24 reads them as Deno and Bun do, " +
      "but for `filename*=` (nodeMultipartFilenameStar)",
    why:
      "the undici in Node 20 ([nodejs/undici#4671](https://github.com/nodejs/undici/issues/4671) for the preamble, " +
      "[nodejs/undici#3760](https://github.com/nodejs/undici/issues/3760) for `filename*`), fixed in the undici Node 24 carries",
  },
  nodeMultipartFilenameStar: {
    area: "http",
    runtimes: ["node"],
    differs:
      "on Node 24, a part with `filename*=UTF-8''caf%C3%A9.txt` is a File named `café.txt`, preferred over its `filename`; " +
      "Deno and Bun ignore `filename*` (the part stays a field, or keeps its `filename`); Node 20 rejects it (node20MultipartStrict)",
    why:
      "RFC 7578 4.2 forbids senders `filename*`, so receivers differ; undici follows RFC 6266 ([nodejs/undici#5068](https://github.com/nodejs/undici/pull/5068)), " +
      "Bun may follow ([oven-sh/bun#35675](https://github.com/oven-sh/bun/pull/35675), open)",
  },
  multipartNameEscapesKept: {
    area: "http",
    runtimes: ["deno", "bun"],
    differs:
      "a multipart name or file name keeps `%22`, `%0D` and `%0A` as written; Node turns them into `\"`, CR and LF, the " +
      "escapes the HTML standard's form encoder writes for them (any other `%` is kept everywhere)",
    why:
      "the runtimes' own parsers; undoing the three escapes after the fact would misread a name that really holds `%22`, " +
      "and only a browser-made body (whose names hold a quote or a line break) tells the two apart",
  },
  denoHalfCloseLosesBody: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a request whose client half-closes (FIN) right after writing a whole Content-Length body in a write of its own " +
      "often gets 500, its body unread (measured: 24 of 40 through omniserve; 7 of 20 in the case); Node and Bun read " +
      "the body and answer every one",
    why:
      "Deno.serve loses the body itself: a bare Deno.serve handler's body read fails with `BadResource: Cannot read body as " +
      "underlying resource unavailable` (20 of 60 measured on 2.9.6; 0 of 40 with the connection left open), so there is " +
      "no body left for omniserve to read; it answers the failed read as it answers a client that left, with 500 and no line",
  },
  denoMultipartNoFinalBoundary: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a multipart body cut before its closing `--boundary--` parses as a form that drops the unfinished part; Node and Bun reject it (TypeError)",
    why:
      "Deno's parser (ext/fetch/21_formdata.js) ends quietly at the end of the input; omniserve has no wrapper around Deno's " +
      "formData() to add the check to",
  },
  denoMultipartFileDefaultType: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a file part without a Content-Type gives a File of type `application/octet-stream`; the Fetch standard, Node and Bun say `text/plain` " +
      "(Bun: `text/plain;charset=utf-8`, see bunMultipartFileType)",
    why: "Deno's parser's own default; browsers always send a part's Content-Type, so only hand-made bodies see it",
  },
  bunPipelineBehindStream: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a request pipelined behind one whose streamed response is still being written stops that stream after the " +
      "chunk in flight, and the pipelined request is never answered (the client must time out); Node and Deno answer both in order",
    why:
      "Bun.serve's own behaviour, raw Bun.serve alike (tried on 1.4.5), related to " +
      "[oven-sh/bun#33664](https://github.com/oven-sh/bun/issues/33664); browsers do not pipeline",
  },
  bunEmptyBodyNull: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a POST (or any method but GET and HEAD) that carries no body, or `Content-Length: 0`, has `request.body` null; " +
      "Node and Deno give an empty stream. `text()` and the other readers give the same empty result everywhere",
    why:
      "Bun's Request decides `body` natively; an empty stream on every such request would cost a stream per request, " +
      "and Deno's choice (a stream) cannot be changed from JavaScript either",
  },
  nodeConnectClosed: {
    area: "http",
    runtimes: ["node"],
    differs: "a CONNECT request (authority form, RFC 9112 3.2.3) is closed without an answer; Deno and Bun hand it to the app",
    why:
      "node:http gives CONNECT to a `connect` event with the bare socket and no response object, outside the request " +
      "path every other method takes, and a standard Request cannot be built with the method CONNECT (a forbidden method)",
  },
  bunConnectUrl: {
    area: "http",
    runtimes: ["bun"],
    differs: "a CONNECT request's `request.url` is the authority alone (`example.test:443`), no URL; Deno gives `http://example.test:443/`",
    why: "Bun.serve passes the authority-form target as the URL; rebuilding it would mean reading `request.method` on every request",
  },
  bunUnknownReason: {
    area: "http",
    runtimes: ["bun"],
    differs: "a status code with no reason phrase of its own (299, 599) goes out as `HTTP/1.1 299 HM`, so a client's `statusText` is `HM`; Node and Deno send an empty phrase",
    why: "Bun.serve writes the status line itself and takes no reason phrase from JavaScript (it drops `statusText` too)",
  },
  denoReasonSpelling: {
    area: "http",
    runtimes: ["deno"],
    differs: "two reason phrases are spelled differently: 203 `Non Authoritative Information` and 418 `I'm a teapot` (Node and Bun: `Non-Authoritative Information`, `I'm a Teapot`)",
    why: "Deno.serve writes hyper's phrase for each code and takes none from JavaScript; clients ignore the phrase (RFC 9112 4)",
  },
  binaryContentType: {
    area: "http",
    runtimes: ["bun"],
    differs: "a binary body without content-type goes out as `application/octet-stream`",
    why:
      "Bun.serve writes it for every body without a content-type (bytes, Blob or stream); deleting the header or " +
      "setting it empty does not stop it (an empty one goes out beside Bun's; tried on 1.4.5). omniserve sets it in " +
      "the headers too, so HEAD equals GET",
  },
  denoAbsoluteScheme: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "on plain HTTP, an absolute-form target's scheme is kept as sent (`GET https://a.example/x` shows `https://`); " +
      "over TLS it is the connection's, as everywhere",
    why:
      "Deno builds `request.url` only when it is read, and reading it in the adapter costs a hello request 1-3 " +
      "microseconds of about 18 (measured in the handler); over TLS, where `http://` would be a downgrade, the " +
      "adapter checks every request",
  },
  denoFetchServerRequest: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "`fetch(request)` / `fetch(request, init)` with the request the server was given throws a TypeError (\"Blob URL fetch only " +
      "supports GET method\" for a POST); `fetch(new Request(url, request))` and `fetch(url, request)` work",
    why:
      "Deno's own `fetch` fails on a `Deno.serve` request: a bare `Deno.serve` handler calling `fetch(request)` throws the same " +
      "(measured on Deno 2.9.6); the request is Deno's own object, which omniserve hands over unwrapped",
  },
  nodeFetchHopByHop: {
    area: "http",
    runtimes: ["node"],
    differs:
      "`fetch()` of the request (`fetch(url, request)`, `fetch(new Request(url, request))`, or with `request.headers`) " +
      "fails with `TypeError: fetch failed` when the client sent Transfer-Encoding (any chunked upload), Keep-Alive or " +
      "Upgrade; Deno and Bun forward it. A proxy on Node deletes those headers first",
    why:
      "Node's fetch (undici) refuses those connection-specific request headers (`InvalidArgumentError: invalid " +
      "transfer-encoding header`; [vercel/next.js#48214](https://github.com/vercel/next.js/issues/48214)), Node 24 " +
      "too; the request must show the headers the client sent, as on Deno and Bun",
  },
  nodeKnownMethodsOnly: {
    area: "http",
    runtimes: ["node"],
    differs:
      "a request whose method is not in Node's list (`http.METHODS`: the standard's, WebDAV's, QUERY and a few more), " +
      "such as `FOO` or a lower-case `get`, gets 400 before the app runs (RFC 9110 9.1 lets a method be any token)",
    why: "Node's HTTP parser (llhttp) knows a fixed list of methods and refuses the rest before JavaScript runs",
  },
  bunKnownMethodsOnly: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a request whose method is not in Bun's list, such as `FOO` or a lower-case `get`, is closed without an answer " +
      "before the app runs",
    why:
      "Bun.serve's parser knows a fixed list of methods ([oven-sh/bun#6556](https://github.com/oven-sh/bun/issues/6556), " +
      "[oven-sh/bun#21566](https://github.com/oven-sh/bun/issues/21566)) and drops the connection before JavaScript runs",
  },
  denoRequestHeadersImmutable: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "over HTTP/1.1, `request.headers.set()` (or `append`, `delete`) on the request the server was given throws a " +
      "TypeError (over HTTP/2 they can be changed); `new Request(request, { headers })` gives a request with other headers, as everywhere",
    why:
      "Deno.serve gives its HTTP/1.1 requests' headers the `immutable` guard (since Deno 1.13: [oakserver/oak#385](https://github.com/oakserver/oak/issues/385); " +
      "it broke [honojs/middleware#613](https://github.com/honojs/middleware/issues/613)). omniserve hands Deno's request over " +
      "unwrapped: a mutable copy would cost every request and would not be what `request.clone()` and `fetch(request)` read",
  },
  bunResponseHeadersMutable: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "the headers of a `fetch()` result, `Response.error()` and `Response.redirect()` can be changed; the standard's " +
      "`immutable` guard makes that a TypeError on Node and Deno",
    why:
      "Bun's `Headers` has no immutable guard; omniserve cannot add one to Bun's own responses without wrapping " +
      "every `fetch()` result. Code that works on Node and Deno works on Bun",
  },
  bunJsonCharset: {
    area: "http",
    runtimes: ["bun"],
    differs: "`Response.json()` has the content-type `application/json;charset=utf-8`, in `response.headers` too; Node and Deno say `application/json`",
    why:
      "Bun's own `Response.json` sets it natively. Setting `application/json` instead (in the headers afterwards, or " +
      "in the init) costs 0.3-0.4 µs a call (medians of 7 rounds of 10^6 calls on Bun 1.4.5: 1.0 µs becomes 1.3-1.4), " +
      "about 1% of a JSON echo, where the bar leaves Bun little room; `charset` means nothing for JSON (RFC 8259 11) " +
      "and clients ignore it",
  },
  denoHttp10StatusLine: {
    area: "http",
    runtimes: ["deno"],
    differs: "an HTTP/1.0 request is answered with an `HTTP/1.0` status line; Node and Bun answer `HTTP/1.1`, as RFC 9110 6.2 asks",
    why: "Deno.serve (hyper) answers in the request's version before JavaScript runs",
  },
  bunFileDisposition: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "`serveStatic()` files of some `application/` types (unknown extensions' `application/octet-stream`, PDF, ZIP, XML, web manifests) " +
      "carry `Content-Disposition: filename=\"name\"`, with no disposition type",
    why:
      "Bun.serve writes it for a `Bun.file(path)` body of those types, from the path's last part. A `Bun.file(fd)` " +
      "body goes without it, but Bun never closes a descriptor it is given (20 responses left 20 open, still after " +
      "`Bun.gc(true)`), there is no hook for when a response is sent, and a slice of one went out with the whole " +
      "file's Content-Length (100000 for 990 bytes; 1.4.5). A JavaScript stream gives up sendfile(2), the speed the " +
      "file path is for",
  },
  bunCutFileKeptOpen: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a file cut shorter while `serveStatic()` sends it over HTTP/1.1 ends short of its Content-Length with the connection " +
      "left open, as if the response were complete, until `idleTimeout`; Node and Deno close the connection at once " +
      "(over HTTP/2 every runtime ends that stream early, which the client sees)",
    why:
      "Bun.serve sends the file natively (sendfile(2)) and takes the early end of the file for the end of the response " +
      "([oven-sh/bun#41622](https://github.com/oven-sh/bun/pull/41622), open); a JavaScript stream would give up sendfile(2)",
  },
  denoFileOpenedEarly: {
    area: "http",
    runtimes: ["deno"],
    differs:
      "a `serveStatic()` file Response holds its file open from the moment it is made: one the app drops unsent (returning " +
      "another Response instead) keeps a file descriptor until the garbage collector finalizes it (3,000 dropped Responses " +
      "held 3,000 descriptors until a collection, measured); Node and Bun open the file when they send it. So a file removed " +
      "(or replaced by a folder) after the Response is made, while middleware holds it, still goes out whole on Deno, as it " +
      "was; Node and Bun answer it as a missing file (404)",
    why:
      "Deno.serve streams a file natively only from an open file's own `readable`; opening on the first read, as Node does, " +
      "would put a JavaScript read loop under every file Deno sends",
  },
  mtimeAsDouble: {
    area: "http",
    runtimes: ["node", "bun"],
    differs:
      "`serveStatic()`'s ETag for a file modified less than 0.12 µs before a whole millisecond (about 1 file in 8,000 with " +
      "nanosecond times) names the next millisecond; Deno's names the millisecond the time is in (the same for Last-Modified " +
      "and a time that close to a whole second)",
    why:
      "`node:fs` gives the time as a double of milliseconds, already rounded; the exact time needs a BigInt stat, which " +
      "costs a lookup about a third more on Bun (4.2 against 3.2 µs a call, 100,000 calls, measured) on every request",
  },
  noZstdOnNode20: {
    area: "http",
    runtimes: ["node"],
    differs:
      "`compress()` offers no Zstandard on Node before 22.15: a client that prefers zstd gets the next coding it accepts " +
      "(with the default order, br for every browser on every runtime)",
    why: "`node:zlib` has Zstandard from Node 22.15 (and 23.8); omniserve supports Node 20, and a JavaScript zstd would be far slower",
  },
  bunStreamLengthDropped: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a streamed body still open when the head goes out is sent chunked and whole, without the Content-Length the app " +
      "gave (node and deno send that length, cut a longer stream at it and abort a shorter one)",
    why:
      "Bun.serve removes an app's Content-Length from every stream response and frames it as chunked, natively " +
      "([oven-sh/bun#10507](https://github.com/oven-sh/bun/issues/10507)); the only way around is to buffer the whole stream",
  },
  bunShortStreamLength: {
    area: "http",
    runtimes: ["bun"],
    differs:
      "a streamed body that has ended, under 256 bytes, when Bun starts sending it goes out with Content-Length, not chunked " +
      "(a stream the app fills and closes at once, say); its HEAD, with no body, has none",
    why:
      "Bun.serve reads such a stream whole before it writes the head, natively; holding every stream open for a timer tick " +
      "to stop it would delay every streamed response",
  },
  compressedBytes: {
    area: "http",
    runtimes: ["deno", "bun"],
    differs:
      "`compress()` bodies decode to the same bytes, but the compressed bytes are not Node's: each runtime's zlib, Brotli " +
      "and Zstandard builds emit their own (equally valid) streams; sizes differ by a few percent",
    why: "the native compressors are the fast path; matching Node's bytes would mean one compressor in JavaScript for all",
  },
  denoNoSni: {
    area: "http",
    runtimes: ["deno"],
    differs: "an SNI list (`tls` with more than one entry) is refused at start-up with ERR_TLS; one certificate is served",
    why:
      "Deno.serve takes one certificate and has no SNI option ([denoland/deno#23233](https://github.com/denoland/deno/issues/23233)); " +
      "`Deno.listenTls` has an internal SNI resolver (`Deno[Deno.internal].resolverSymbol`, for its `node:tls`), which " +
      "Deno.serve ignores (tried with 2.9.6)",
  },
  denoNoClientCert: {
    area: "http",
    runtimes: ["deno"],
    differs: "`requestCert` is refused at start-up with ERR_TLS",
    why: "Deno.serve has no option to ask for or verify client certificates",
  },
  noTlsInfo: {
    area: "http",
    runtimes: ["deno", "bun"],
    differs:
      "`ctx.tls` is undefined over HTTPS: no protocol, SNI name or client certificate for the handler (with `requestCert`, " +
      "Bun still refuses a client without a valid certificate in the handshake)",
    why:
      "Bun.serve and Deno.serve tell a handler nothing of the TLS connection; Bun negotiates h2 by itself, so even the " +
      "protocol cannot be inferred",
  },
  tlsReloadClosesIdle: {
    area: "http",
    runtimes: ["deno", "bun"],
    differs:
      "`reload({ tls })` closes keep-alive connections opened before it once they are idle (in-flight requests finish); " +
      "Node keeps them open on the old certificate",
    why:
      "the runtime cannot swap a certificate in place (Bun ignores `tls` in `reload()`, " +
      "[oven-sh/bun#43815](https://github.com/oven-sh/bun/issues/43815)), so a second server takes over the port with " +
      "SO_REUSEPORT and the first stops gracefully, which closes its idle connections",
  },
  denoReloadClosesWebSockets: {
    area: "http",
    runtimes: ["deno"],
    differs: "`reload({ tls })` closes open WebSockets with 1001 (clients reconnect and get the new certificate)",
    why:
      "the second server takes over the port and the first must stop listening, and Deno.serve's graceful `shutdown()`, " +
      "its only way to stop, closes upgraded WebSockets too",
  },
  denoReloadNeedsUnstableNet: {
    area: "http",
    runtimes: ["deno"],
    differs: "in a program run without `--unstable-net` (library use; the CLI passes it), `reload({ tls })` throws ERR_TLS; HTTPS itself works",
    why:
      "the reload's second server needs `reusePort`, which Deno 2.9 keeps behind `--unstable-net` (without it Deno.serve " +
      "exits the process); omniserve asks for it only when the flag is on",
  },

  invalidUtf8Dropped: {
    area: "ws",
    runtimes: ["deno"],
    differs: "invalid UTF-8 in a text frame drops the connection without a 1007 close frame",
    why: "Deno.upgradeWebSocket validates UTF-8 in Rust; the frame never reaches JavaScript",
  },
  denoProtocolErrorsDropped: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a frame that breaks RFC 6455 (a control frame over 125 bytes or fragmented, a continuation without a start, " +
      "a reserved opcode or RSV bit, a one-byte close payload, a close reason that is not UTF-8) drops the connection " +
      "without a 1002 or 1007 close frame (the close hook sees 1006); a close frame over 125 bytes is taken, and " +
      "echoed, as the close it names",
    why: "Deno.upgradeWebSocket parses frames in Rust and never hands a protocol error to JavaScript",
  },
  denoCloseCode1014Refused: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a client's close frame with code 1014 (Bad Gateway, registered by IANA and sendable) is answered with 1002, as if the " +
      "code were invalid; Node and Bun echo 1014, as they do 1012 and 1013",
    why:
      "Deno.upgradeWebSocket checks close codes in Rust against a list that stops at 1013 (measured on 2.9.6); the frame " +
      "never reaches JavaScript",
  },
  unmaskedAccepted: {
    area: "ws",
    runtimes: ["deno"],
    differs: "unmasked client frames are accepted (RFC 6455 5.1 says close with 1002)",
    why: "Deno.upgradeWebSocket delivers them like masked ones; the mask bit never reaches JavaScript",
  },
  bunInflatesOnLoop: {
    area: "ws",
    runtimes: ["bun"],
    differs:
      "a large compressed message is inflated on the event loop: a request on another connection waits until it is " +
      "(measured: an 8 MiB message, answered after 397 ms, where Node answered in 7 ms and Deno, uncompressed, in 80 ms); " +
      "HTTP and the echo are still both answered correctly",
    why:
      "Bun.serve's permessage-deflate is native (uWebSockets) and runs on the main thread; Bun gives JavaScript the " +
      "inflated message only, so omniserve cannot move the work",
  },
  noPerMessageDeflate: {
    area: "ws",
    runtimes: ["deno"],
    differs: "no compression negotiated; connections work uncompressed",
    why: "Deno.upgradeWebSocket does not negotiate permessage-deflate",
  },
  noTerminate: {
    area: "ws",
    runtimes: ["deno"],
    differs: "`terminate()` sends a 1000 close frame",
    why:
      "Deno's WebSocket, server and client alike, has no abrupt close, only the closing handshake " +
      "([denoland/deno#36337](https://github.com/denoland/deno/issues/36337) asks for one on the client)",
  },
  denoBackpressureLingers: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a peer closed with 1008 that never reads is released after 1 s (close hook, topics, count), but its TCP " +
      "connection stays until the client reads or leaves",
    why:
      "Deno's WebSocket close waits for its close frame to be written and Deno has no abrupt close (closing the " +
      "resource does not end the connection while that write is pending, tried); the send buffer (the limit plus " +
      "one message) stays with it",
  },
  denoWholeMessageBuffered: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a message is read whole (up to Deno's fixed 64 MiB) before `maxPayloadLength` is checked; a frame announcing " +
      "more than 64 MiB drops the connection without 1009",
    why:
      "Deno.upgradeWebSocket reads the whole message before JavaScript sees it and its cap is not configurable; " +
      "memory per connection can reach 64 MiB (measured: 4 peers sending 60 MiB took RSS to 529 MiB)",
  },
  denoCloseLostOnCrossing: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a client message read after `peer.close()` ends the connection without the server's close frame (the client " +
      "sees 1006); the close hook still sees the code the server sent. Node and Bun send the close frame and ignore the message",
    why:
      "Deno.upgradeWebSocket drops the connection when a data frame arrives while its close frame waits to be written " +
      "(measured on 2.9: 10 of 10 with both frames in one read); neither the frame nor the write reaches JavaScript",
  },
  bunExtensionsUnknown: {
    area: "ws",
    runtimes: ["bun"],
    differs: "`peer.websocket.extensions` is \"\" even when permessage-deflate was negotiated; Node gives the 101's value",
    why:
      "Bun negotiates the extension natively (its uWebSockets answers some offers differently from Node's, e.g. it " +
      "declines `server_max_window_bits=10`) and its ServerWebSocket has no `extensions`; omniserve does not guess",
  },
  denoNoPing: {
    area: "ws",
    runtimes: ["deno"],
    differs: "`peer.ping()` sends nothing (one log line says so); the idle timeout still pings",
    why: "Deno's WebSocket has no way to send a ping from JavaScript; `idleTimeout` is handed to Deno, which pings natively",
  },
  denoNoDrain: {
    area: "ws",
    runtimes: ["deno"],
    differs: "the `drain` hook never runs",
    why: "Deno's WebSocket has no drain event; omniserve does not poll `bufferedAmount` to emulate one",
  },
  denoUpgradeHeldAfterClientLeft: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a client that leaves while an async upgrade hook decides gets no hooks, as elsewhere, but the hook's " +
      "`request.signal` does not abort and Deno keeps that upgrade in flight: a graceful stop waits its whole 10 s deadline for it",
    why:
      "Deno.upgradeWebSocket on a connection that is already gone fires neither open, error nor close (measured on 2.9 " +
      "over 6 s; `close()` while connecting changes nothing), and Deno.serve's shutdown waits for it",
  },
  pingFloodStallsReading: {
    area: "ws",
    runtimes: ["deno"],
    differs:
      "a client that floods pings and never reads stalls its own sending through TCP (memory stays flat, the " +
      "connection stays open); Node answers the latest ping of each read",
    why: "Deno answers pings natively and writes each pong before it reads the next frame; pings never reach JavaScript",
  },
  pingFloodPongsQueued: {
    area: "ws",
    runtimes: ["bun"],
    differs:
      "a client that floods pings and never reads is kept, but gets a pong for every ping until its pongs fill " +
      "`backpressureLimit` (later ones are dropped); a message sent to it before it reads them closes it with 1008. " +
      "Node answers the latest ping of each read, so its pongs never pile up",
    why: "Bun answers every ping natively (JavaScript is only told of it) and counts the pongs against the limit; memory stays bounded",
  },
  unsettledTopLevelAwait: {
    area: "cli",
    runtimes: ["deno"],
    differs:
      "an app module whose top-level `await` never settles ends with Deno's own error (`Top-level await promise never resolved`, " +
      "its line and a stack frame) and status 1, where Node and Bun print omniserve's one line",
    why:
      "Deno ends the process when only a pending top-level await is left, before any `beforeExit` or `beforeunload` " +
      "listener runs, so omniserve never gets a turn",
  },
  denoWatchAfterLoad: {
    area: "cli",
    runtimes: ["deno"],
    differs:
      "with `--watch` or `--workers`, a server process whose CLI is gone (SIGINT) while its module still loads finishes " +
      "loading, then stops within half a second; on Node and Bun it stops at once",
    why:
      "the watch on the CLI is a timer, and Deno 2.9 never reports a top-level await that never settles while any timer " +
      "is armed, even an unref'd one (tried: `node:timers` setInterval with unref, `Deno.unrefTimer`, chained timeouts): " +
      "it would hang for ever instead of `unsettledTopLevelAwait`'s error",
  },
  nodeEnvFileArgv: {
    area: "cli",
    runtimes: ["node"],
    differs:
      "with the CLI itself run by Node (the installed bin, `npx omniserve`), a missing `--env-file` ends with Node's own " +
      "`node: FILE: not found` (a folder: `invalid format`) and status 9 before omniserve starts; run by Deno or Bun, " +
      "omniserve's one line and status 1",
    why:
      "Node reads every `--env-file` in its arguments, even after the script's name, and stops at `--` only " +
      "([nodejs/node#54232](https://github.com/nodejs/node/issues/54232); Node 20 and 24 alike). A bin starting " +
      "`#!/usr/bin/env -S node --` would avoid it, but BusyBox's `env` (Alpine) has no `-S`, and a shell-script bin breaks npm's Windows shims",
  },
} satisfies Record<string, RuntimeException>;

/** The names of the exceptions in one README table. */
export type ExceptionName<Area extends RuntimeException["area"]> = {
  [K in keyof typeof EXCEPTIONS]: (typeof EXCEPTIONS)[K]["area"] extends Area ? K : never;
}[keyof typeof EXCEPTIONS];

/** True when `runtime` is listed under the exception `name`. */
export function applies(name: keyof typeof EXCEPTIONS, runtime: Runtime): boolean {
  const exception: RuntimeException = EXCEPTIONS[name];
  return exception.runtimes.includes(runtime);
}
