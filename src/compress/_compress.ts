/**
 * `compress(fetch)`: the response rules, written once. Which responses are
 * left alone, the negotiation, the header edits (Vary, Content-Length,
 * ETag), and whole bodies against streamed ones; the runtime only supplies
 * its compressors (see _compressors.ts).
 * @module
 */
import { OmniserveError } from "../_errors.ts";
import { textResponse } from "../_text-response.ts";
import { isCompressible, loadMime, mimeLoaded } from "../_mime.ts";
import { standsFor } from "../_not-modified.ts";
import type { CompressOptions, Encoding, MaybePromise } from "../types.ts";
import { negotiate } from "./_accept.ts";
import { compressedStream, type LiveBody, readBody } from "./_body.ts";
import type { Compressors } from "./_compressors.ts";

/**
 * The platform's Response, captured at import. Adapters install their
 * subclass only when a server starts; a response built with the native class
 * (Bun's `Response.json()`, say) is still a Response, and is compressed.
 */
const NativeResponse: typeof Response = globalThis.Response;

/** br first: every browser accepts it and every runtime has it, so the usual request gets the same coding everywhere. */
const DEFAULT_ORDER: readonly Encoding[] = ["br", "zstd", "gzip"];
const CODINGS = new Set<string>(DEFAULT_ORDER);

/** The signature of `compress`, for the adapters to export. */
export type Compress = <A extends unknown[]>(
  fetch: (request: Request, ...rest: A) => MaybePromise<Response>,
  options?: CompressOptions,
) => (request: Request, ...rest: A) => MaybePromise<Response>;

/** `compress()` over a runtime's compressors. */
export function makeCompress(compressors: Compressors): Compress {
  return <A extends unknown[]>(fetch: (request: Request, ...rest: A) => MaybePromise<Response>, options: CompressOptions = {}) => {
    const rules = resolve(compressors, options);
    const mime = loadMime();
    return (request: Request, ...rest: A): MaybePromise<Response> => {
      const response = fetch(request, ...rest);
      // The first requests may come before the MIME database has loaded.
      if (!mimeLoaded()) return mime.then(() => response).then((r) => encode(rules, request, r));
      return response instanceof Promise
        ? response.then((r) => encode(rules, request, r))
        : encode(rules, request, response);
    };
  };
}

interface Rules {
  compressors: Compressors;
  offered: readonly Encoding[];
  threshold: number;
}

function resolve(compressors: Compressors, options: CompressOptions): Rules {
  const order = options.encodings ?? DEFAULT_ORDER;
  if (!Array.isArray(order) || order.some((e) => !CODINGS.has(e))) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `compress(): encodings must list only "br", "zstd" and "gzip" (got ${JSON.stringify(order)})`);
  }
  const threshold = options.threshold ?? 1024;
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `compress(): threshold must be a number of bytes, 0 or more (got ${threshold})`);
  }
  return { compressors, offered: order.filter((e) => compressors.encodings.has(e)), threshold };
}

/** Whether a response may be compressed at all, from its status and headers alone. */
function eligible(status: number, headers: Headers, threshold: number): boolean {
  // 206 and Content-Range: a range of the identity bytes; 204/304 and 1xx have no body.
  if (status < 200 || status === 204 || status === 206 || status === 304) return false;
  if (headers.has("content-encoding") || headers.has("content-range")) return false;
  if (!isCompressible(headers.get("content-type"))) return false;
  const cacheControl = headers.get("cache-control");
  if (cacheControl !== null && /(?:^|[\s,])no-transform(?:$|[\s,])/i.test(cacheControl)) return false;
  const length = headers.get("content-length");
  return length === null || !(Number(length) < threshold);
}

function encode(rules: Rules, request: Request, response: Response): MaybePromise<Response> {
  if (!(response instanceof NativeResponse)) return response;
  if (response.status === 304) return notModified(rules, request, response);
  const isHead = request.method === "HEAD";
  if (!eligible(response.status, response.headers, rules.threshold)) return isHead ? headOnly(rules, response) : response;
  // From here the response depends on Accept-Encoding, whatever is chosen.
  const choice = negotiate(request.headers.get("accept-encoding"), rules.offered);
  // Identity leaves the body untouched: on Node, reading it would cost the light Response its fast send.
  if (choice === "identity") return isHead ? headOnly(rules, varied(response)) : varied(response);
  if (choice === "unacceptable") {
    response.body?.cancel().catch(() => {});
    return notAcceptable(request.method);
  }
  const held = rules.compressors.heldBody?.(response);
  if (held instanceof Promise) return held.then((bytes) => whole(rules, response, choice, bytes, isHead));
  if (held) return whole(rules, response, choice, held, isHead);
  const body = response.body;
  // No body, as the GET has none (a HEAD with a declared length stands for a GET with a body: compressed below).
  if (body === null && (!isHead || !response.headers.has("content-length"))) return response;
  // A declared length (at or over the threshold, a file say) or no body: no need to look at it.
  if (body === null || response.headers.has("content-length")) {
    const headers = compressedHeaders(response.headers, choice);
    if (isHead || body === null) {
      body?.cancel().catch(() => {});
      return rebuild(response, headers, endless());
    }
    const reader = body.getReader();
    const live: LiveBody = { whole: false, head: [], reader, pending: reader.read() };
    return rebuild(response, headers, compressedStream(live, rules.compressors.stream(choice)));
  }
  return readBody(body).then((read) => {
    if (read.whole) return whole(rules, response, choice, read.bytes, isHead);
    const headers = compressedHeaders(response.headers, choice);
    if (!isHead) return rebuild(response, headers, compressedStream(read, rules.compressors.stream(choice)));
    read.reader.cancel().catch(() => {});
    return rebuild(response, headers, endless());
  });
}

/**
 * A 304 with the Vary and ETag of the 200 it stands for, as that 200 would
 * leave here (RFC 9110 15.4.5): a 304 from serveStatic() says what its 200
 * is (standsFor). Any other 304 is left as the app made it: nothing in it
 * tells whether its 200 would be coded.
 */
function notModified(rules: Rules, request: Request, response: Response): Response {
  const full = standsFor(response);
  if (full === undefined || !eligible(200, full, rules.threshold)) return response;
  const choice = negotiate(request.headers.get("accept-encoding"), rules.offered);
  // The 200 would be a 406, and preconditions do not apply to a response that is not 2xx (RFC 9110 13.2.1).
  if (choice === "unacceptable") return notAcceptable(request.method);
  return rebuild(response, headerList(response.headers, choice === "identity" ? "varied" : "coded"), null);
}

/**
 * The response for a body whose bytes are all known: compressed on the spot
 * when it is small enough (the usual case: the response stays synchronous),
 * else off the event loop, and sent as bytes, so with the compressed length
 * as Content-Length on every runtime. A HEAD is compressed too, for the
 * GET's Content-Length, and answered with no body (see `sized`). Sending
 * the bytes as a one-chunk stream instead (no length, and a HEAD with no
 * work) cost Deno 2.9 12% more CPU per 100 KiB gzip response (measured:
 * 746 against 663 ms per 1,000 responses, raw Deno.serve).
 */
function whole(rules: Rules, response: Response, choice: Encoding, bytes: Uint8Array, isHead: boolean): MaybePromise<Response> {
  // Under the threshold: as it was.
  if (bytes.byteLength < rules.threshold) return sized(response, headerList(response.headers), bytes, isHead);
  const headers = compressedHeaders(response.headers, choice);
  const compressors = rules.compressors;
  const out = compressors.bytesSync(choice, bytes);
  return out ? sized(response, headers, out, isHead) : compressors.bytes(choice, bytes).then((o) => sized(response, headers, o, isHead));
}

/**
 * The response sending `bytes`; to HEAD, the same head with a null body and
 * their length as Content-Length, as serveStatic() answers HEAD. A body
 * would do on Node and Bun, which drop it, but Deno resets an HTTP/2 HEAD
 * stream whose Response has one (denoH2HeadReset).
 */
function sized(response: Response, headers: [string, string][], bytes: Uint8Array, isHead: boolean): Response {
  if (!isHead) return rebuild(response, headers, bytes);
  const head = headers.filter(([name]) => name !== "content-length");
  head.push(["content-length", String(bytes.byteLength)]);
  return rebuild(response, head, null);
}

/**
 * To HEAD, a response compress() does not encode, with its head and no body
 * when the runtime holds the body in memory: its GET goes out with that
 * length on every runtime, so the HEAD does too (counted here). Any other
 * body is left as it is, framed by the runtime as its GET is (a stream whose
 * GET is chunked gets no Content-Length on HEAD either).
 */
function headOnly(rules: Rules, response: Response): MaybePromise<Response> {
  const held = rules.compressors.heldBody?.(response);
  if (held === undefined) return response;
  const headers = headerList(response.headers, "as-is");
  return held instanceof Promise ? held.then((bytes) => sized(response, headers, bytes, true)) : sized(response, headers, held, true);
}

/** The response with `Vary: Accept-Encoding`, in place when its headers may be changed. */
function varied(response: Response): Response {
  const headers = response.headers;
  const vary = headers.get("vary");
  if (vary !== null && varies(vary)) return response;
  try {
    headers.set("vary", withAcceptEncoding(vary));
    return response;
  } catch {
    // Immutable headers (a fetch() result, Response.redirect()): copy them.
    return rebuild(response, headerList(headers), response.body);
  }
}

/** RFC 9110 8.4, 8.6, 8.8.1: the coding, not the app's Content-Length (the length changes), and a weak ETag (the bytes differ). */
function compressedHeaders(original: Headers, encoding: Encoding): [string, string][] {
  const headers = headerList(original, "coded");
  headers.push(["content-encoding", encoding]);
  return headers;
}

/**
 * The headers as a list: with Vary naming Accept-Encoding ("varied"), also
 * fit for a compressed body ("coded"), or unchanged ("as-is"). One walk over
 * the Headers, and a list the runtime sends as it is (undici's Headers cost
 * Node's sender a sorted walk each, measured).
 */
function headerList(original: Headers, mode: "varied" | "coded" | "as-is" = "varied"): [string, string][] {
  const out: [string, string][] = [];
  const coded = mode === "coded";
  let vary: string | null = null;
  original.forEach((value, name) => {
    if (name === "set-cookie" || (coded && name === "content-length")) return;
    if (name === "vary") vary = value;
    else out.push([name, coded && name === "etag" && !value.startsWith("W/") ? `W/${value}` : value]);
  });
  for (const cookie of original.getSetCookie()) out.push(["set-cookie", cookie]);
  if (mode !== "as-is") out.push(["vary", withAcceptEncoding(vary)]);
  else if (vary !== null) out.push(["vary", vary]);
  return out;
}

/** True when a Vary value already covers Accept-Encoding (it names it, or is `*`). */
function varies(vary: string): boolean {
  return vary.split(",").some((v) => /^\s*(?:accept-encoding|\*)\s*$/i.test(v));
}

function withAcceptEncoding(vary: string | null): string {
  return vary === null ? "Accept-Encoding" : varies(vary) ? vary : `${vary}, Accept-Encoding`;
}

function rebuild(response: Response, headers: [string, string][], body: BodyInit | Uint8Array | null): Response {
  return new Response(body as BodyInit | null, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The body of a compressed HEAD response: a stream, so each runtime frames
 * the head as it would the GET (no Content-Length), and one that is never
 * read (a runtime does not read the body of a HEAD response).
 */
function endless(): ReadableStream<Uint8Array> {
  return new ReadableStream({ pull: () => new Promise<void>(() => {}) }, { highWaterMark: 0 });
}

/** RFC 9110 12.5.3: the client refused identity and every coding we have. */
function notAcceptable(method: string): Response {
  return textResponse(method, 406, "Not Acceptable", { vary: "Accept-Encoding" });
}
