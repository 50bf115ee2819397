/**
 * The conformance suite's raw HTTP/1.1 requests, sent over HTTP/2 with Node's
 * `http2` client: each request written as HTTP/1.1 bytes becomes one HTTP/2
 * stream (method, target, headers without the connection-specific ones, Host
 * as `:authority`, the body de-framed), and the answer comes back in the same
 * {@link RawResponse} shape, so a case reads the same on either protocol.
 * Over TLS (`https:` URLs) the client offers only h2 by ALPN.
 */
import http2 from "node:http2";
import type { Exchange, ExchangeOptions, RawResponse } from "./http-client.ts";

/** Request headers HTTP/2 forbids (RFC 9113 8.2.2); Host becomes `:authority`. */
const DROPPED = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te"]);

/** One HTTP/1.1 request, parsed. `ended` is false when fewer body bytes were given than its framing says. */
interface ParsedRequest {
  method: string;
  path: string;
  authority: string | undefined;
  headers: [string, string][];
  body: Buffer;
  ended: boolean;
  /** Bytes of `data` this request took. */
  size: number;
}

/** Parse the one HTTP/1.1 request in `data` (a Content-Length or chunked body, or none). */
export function parseRequest(data: Buffer): ParsedRequest {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) throw new Error("h2 exchange: the request head does not end");
  const [line, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const [method, path] = line.split(" ");
  const headers: [string, string][] = [];
  let authority: string | undefined;
  let length: number | undefined;
  let chunked = false;
  for (const l of lines) {
    const i = l.indexOf(":");
    const name = l.slice(0, i).trim().toLowerCase();
    const value = l.slice(i + 1).trim();
    if (name === "host") authority ??= value;
    if (name === "content-length") length = Number(value);
    if (name === "transfer-encoding" && /chunked/i.test(value)) chunked = true;
    if (!DROPPED.has(name)) headers.push([name, value]);
  }
  let rest = data.subarray(end + 4);
  if (chunked) {
    const parts: Buffer[] = [];
    const start = rest.length;
    let ended = false;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd < 0) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString("latin1"), 16);
      if (size === 0) {
        ended = true;
        rest = rest.subarray(Math.min(rest.length, lineEnd + 4));
        break;
      }
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    return { method, path, authority, headers, body: Buffer.concat(parts), ended, size: end + 4 + start - rest.length };
  }
  const body = length === undefined ? Buffer.alloc(0) : rest.subarray(0, length);
  return { method, path, authority, headers, body, ended: length === undefined || body.length >= length, size: end + 4 + body.length };
}

/**
 * Connect to `url` over HTTP/2 (TLS for https:, prior knowledge for http:), trusting `ca`. Flow-control
 * windows of 256 KiB per stream and 1 MiB per connection: measured downloading 96 MiB over TLS from this
 * client, Deno sends about 2 MB/s with Node's default 64 KiB stream window and Bun as slowly with a
 * 1 MiB one, while both finish in about a second with these (curl takes 0.3 s from either).
 */
export function connect(url: string, ca?: string): http2.ClientHttp2Session {
  const options = { ca, ALPNProtocols: ["h2"], settings: { initialWindowSize: 256 * 1024 } };
  const session = http2.connect(url, options as http2.SecureClientSessionOptions);
  session.on("error", () => {});
  session.once("connect", () => session.setLocalWindowSize(1024 * 1024));
  return session;
}

/**
 * What `exchange()` does over HTTP/2. `request` holds raw HTTP/1.1 requests
 * (parts are joined); each becomes a stream on one connection, sent after the
 * previous one is answered, as pipelined HTTP/1.1 requests are answered in order.
 */
export async function exchangeH2(
  url: string,
  request: string | Buffer | (string | Buffer)[],
  options: ExchangeOptions = {},
  ca?: string,
): Promise<Exchange> {
  const parts = Array.isArray(request) ? request : [request];
  let data = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));
  const session = connect(url, ca);
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const responses: RawResponse[] = [];
  let closed = false;
  let reset = false;
  try {
    while (data.length > 0) {
      const parsed = parseRequest(data);
      data = data.subarray(parsed.size);
      const one = await streamH2(session, url, parsed, deadline - Date.now());
      responses.push(...one.responses);
      if (one.reset || !one.complete) {
        closed = true;
        reset ||= one.reset;
        break;
      }
    }
  } finally {
    session.destroy();
  }
  const text = responses.map((r) => `${r.head}\r\n\r\n${r.body.toString("latin1")}`).join("");
  return { responses, closed, reset, text };
}

/** One request on its own stream: its responses (1xx ones included), whether it ended cleanly or was reset. */
function streamH2(
  session: http2.ClientHttp2Session,
  url: string,
  parsed: ParsedRequest,
  timeoutMs: number,
): Promise<{ responses: RawResponse[]; complete: boolean; reset: boolean }> {
  const isHead = parsed.method === "HEAD";
  return new Promise((resolve) => {
    const headers: http2.OutgoingHttpHeaders = {
      ":method": parsed.method,
      ":path": parsed.path,
      ":authority": parsed.authority ?? new URL(url).host,
    };
    for (const [name, value] of parsed.headers) {
      const had = headers[name];
      headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [String(had), value];
    }
    const responses: RawResponse[] = [];
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders | undefined;
    let done = false;
    let reset = false;
    let stream: http2.ClientHttp2Stream;
    const finish = (complete: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (head) responses.push(rawResponse(head, Buffer.concat(chunks), complete, isHead));
      stream?.destroy();
      resolve({ responses, complete, reset });
    };
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    try {
      stream = session.request(headers, { endStream: parsed.ended && parsed.body.length === 0 });
    } catch {
      reset = true;
      return finish(false);
    }
    stream.on("headers", (informational) => responses.push(rawResponse(informational, Buffer.alloc(0), true, false)));
    stream.on("response", (h) => (head = h));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => finish(true));
    stream.on("error", () => {
      reset = true;
      finish(false);
    });
    stream.on("close", () => {
      if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) reset = true;
      finish(!reset && head !== undefined);
    });
    if (parsed.body.length > 0) {
      if (parsed.ended) stream.end(parsed.body);
      else stream.write(parsed.body);
    }
  });
}

/** An HTTP/2 response in the raw HTTP/1.1 client's shape; `head` reads `HTTP/2 <status>` then the header lines. */
function rawResponse(h: http2.IncomingHttpHeaders, body: Buffer, complete: boolean, isHead: boolean): RawResponse {
  const status = Number(h[":status"]);
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, String(v)]);
  }
  const head = [`HTTP/2 ${status}`, ...headers.map(([n, v]) => `${n}: ${v}`)].join("\r\n");
  // HTTP/2's counterpart of chunked framing: a body sent without announcing its length.
  const chunked = !isHead && status >= 200 && status !== 204 && status !== 304 && h["content-length"] === undefined;
  return { status, headers, body: isHead ? Buffer.alloc(0) : body, head, complete, chunked };
}

/** `fetch()` over HTTP/2: the Request's method, headers and body on one stream, the answer as a Response. */
export async function fetchH2(input: string | URL | Request, init: RequestInit | undefined, ca?: string): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const session = connect(url.origin, ca);
  const headers: http2.OutgoingHttpHeaders = { ":method": request.method, ":path": url.pathname + url.search, ":authority": url.host };
  request.headers.forEach((value, name) => {
    if (!DROPPED.has(name)) headers[name] = value;
  });
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders | undefined;
    const fail = (error: unknown) => {
      session.destroy();
      reject(new TypeError("fetch failed", { cause: error }));
    };
    stream.on("response", (h) => (head = h));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      session.close();
      if (head === undefined) return fail(new Error("the stream ended without a response"));
      const out = new Headers();
      for (const [name, value] of Object.entries(head ?? {})) {
        if (name.startsWith(":") || value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) out.append(name, String(v));
      }
      const status = Number(head?.[":status"] ?? 0);
      const nullBody = status === 204 || status === 304 || request.method === "HEAD";
      resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: out }));
    });
    stream.on("error", fail);
    stream.on("close", () => fail(new Error(`stream closed (code ${stream.rstCode})`)));
    session.on("error", fail);
    if (body !== undefined) stream.end(body);
  });
}

/** How an HTTP/2 upload went: the response, and how the stream ended once the response had. */
export interface H2Upload {
  status?: number;
  body?: string;
  /**
   * `ended` when the stream closed without error after the response (the whole body taken, or RST_STREAM
   * with NO_ERROR telling the client to stop sending, RFC 9113 8.1), `reset <code>` for an error code,
   * `open` when it stayed half-open (the client's body stalled on flow control), `no response`.
   */
  end: string;
}

/**
 * POST `size` bytes to `url` on `session`, in 64 KiB DATA frames, with a `content-length` when `declared`.
 * After the response ends, waits up to `settleMs` for the stream to close. Node's client marks a stream
 * the server reset with NO_ERROR as closed but never emits its `close` while its own body is unsent, so
 * `stream.closed` is what tells.
 */
export function uploadH2(session: http2.ClientHttp2Session, url: string, size: number, declared: boolean, settleMs = 2000): Promise<H2Upload> {
  const { pathname, search } = new URL(url);
  const headers = { ":method": "POST", ":path": pathname + search, ...(declared ? { "content-length": String(size) } : {}) };
  return new Promise((resolve) => {
    const stream = session.request(headers);
    let status: number | undefined;
    let body = "";
    let sent = 0;
    const done = (end: string) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(status === undefined ? { end: "no response" } : { status, body, end });
    };
    const timer = setTimeout(() => done("no response"), 60_000);
    let poll: ReturnType<typeof setInterval> | undefined;
    stream.on("response", (h) => (status = Number(h[":status"])));
    stream.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    stream.on("error", () => {});
    stream.on("end", () => {
      const until = Date.now() + settleMs;
      poll = setInterval(() => {
        if (stream.closed) done(stream.rstCode ? `reset ${stream.rstCode}` : "ended");
        else if (Date.now() > until) done("open");
      }, 20);
    });
    stream.on("close", () => {
      if (poll === undefined) done(stream.rstCode ? `reset ${stream.rstCode}` : "ended");
    });
    const chunk = Buffer.alloc(64 * 1024, 120);
    const pump = () => {
      while (sent < size && !stream.closed) {
        const n = Math.min(size - sent, chunk.length);
        sent += n;
        if (!stream.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void stream.once("drain", pump);
      }
      if (!stream.closed) stream.end();
    };
    pump();
  });
}
