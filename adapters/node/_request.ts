/**
 * A lazy web `Request` over Node's IncomingMessage. Nothing is built until it
 * is read: the URL is a string concatenation, headers become a `Headers` on
 * first access, and `text()`/`json()`/`arrayBuffer()` read the socket
 * directly. Anything else materialises a real Request once and delegates.
 * `instanceof Request` holds.
 * @module
 */
import { delegateSlots, delegateToNative } from "./_delegate.ts";
import { NodeHeaders } from "./_headers.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { OmniserveError } from "../../src/_errors.ts";
import { swapGlobal } from "../../src/_global-response.ts";
import { BodyLimit } from "../../src/_limit.ts";
import { origin, standardizeUrl, standardUrl } from "../../src/_url.ts";
import { responseCut } from "./_response-head.ts";

const NativeRequest: typeof Request = globalThis.Request;
const nativeFetch: typeof fetch = globalThis.fetch;
const NO_BODY = new Set(["GET", "HEAD"]);
const decoder = new TextDecoder(); // strips a BOM, as the Fetch standard's text() does

/** The body as an ArrayBuffer of its own: a concatenated body already is one; a socket chunk may share its buffer, so copy that. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** UTF-8 decode as Body.text(): Buffer's decoder is faster; TextDecoder only when there is a BOM. */
function utf8(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decoder.decode(bytes);
  return Buffer.isBuffer(bytes) ? bytes.toString("utf8") : decoder.decode(bytes);
}

/** `http://host/path?q` as `host/path?q`; a target with no path gets `/` (`http://host?q` is `host/?q`). */
function absoluteRest(target: string): string {
  const start = target.indexOf("//") + 2;
  let end = start;
  while (end < target.length && target[end] !== "/" && target[end] !== "?") end++;
  return target[end] === "/" ? target.slice(start) : `${target.slice(start, end)}/${target.slice(end)}`;
}

/**
 * The URL the app sees for request target `target` (Node's `req.url`) on a
 * `protocol` connection whose Host is `host`: one rule for plain requests and
 * WebSocket upgrades. RFC 9112 3.2.2: an absolute-form target's authority wins
 * over Host. Its scheme does not: that is the connection's, so `http://` sent
 * over TLS cannot make the app see plain http.
 */
export function requestUrl(protocol: "http" | "https", target: string, host: string): string {
  if (target.charCodeAt(0) !== 47 /* / */) {
    if (/^https?:\/\//i.test(target)) return standardizeUrl(`${protocol}://${absoluteRest(target)}`);
    if (target === "*") target = "/*"; // OPTIONS * (asterisk form): the server's root, as Deno gives it
  }
  const base = origin(protocol, host);
  // An invalid Host got a 400 before the app (headProblem); a WebSocket upgrade's was checked too.
  return base === null ? `${protocol}://${host}${target}` : standardUrl(base, target);
}

/** Responses whose request body broke its framing mid-way; the server already answered 400. */
export const brokenBody: WeakSet<ServerResponse> = new WeakSet();

/** Per-connection facts the request needs, fixed at server construction. */
export interface RequestSource {
  protocol: "http" | "https";
  fallbackHost: string;
  maxBodySize: number;
}

export class NodeRequest {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #src: RequestSource;
  readonly #host: string | undefined;
  #url: string | undefined;
  #headers: Headers | undefined;
  #native: Request | undefined;
  #abort: AbortController | undefined;
  #used = false;
  /** Counts the body against `maxRequestBodySize`; the server's reply settles with it. */
  readonly limit: BodyLimit;

  constructor(req: IncomingMessage, res: ServerResponse, src: RequestSource, host: string | undefined) {
    this.#req = req;
    this.#res = res;
    this.#src = src;
    this.#host = host;
    this.limit = new BodyLimit(src.maxBodySize);
  }

  get method(): string {
    return this.#req.method!;
  }

  get url(): string {
    return (this.#url ??= requestUrl(
      this.#src.protocol,
      this.#req.url!,
      this.#host ?? (this.#req.headers[":authority"] as string | undefined) ?? this.#src.fallbackHost,
    ));
  }

  /** The same object for the request's life ([SameObject]): once the native Request exists, it shows that one's headers. */
  get headers(): Headers {
    if (this.#headers) return this.#headers;
    if (this.#native) return this.#native.headers;
    return (this.#headers = new NodeHeaders(this.#req.rawHeaders) as unknown as Headers);
  }

  get signal(): AbortSignal {
    if (this.#abort) return this.#abort.signal;
    const abort = (this.#abort = new AbortController());
    const res = this.#res;
    if (res.writableFinished) return abort.signal;
    const onClose = () => {
      if (responseCut(res)) abort.abort(new DOMException("client disconnected", "AbortError"));
    };
    if (res.destroyed || this.#req.socket?.destroyed) onClose();
    else res.once("close", onClose);
    return abort.signal;
  }

  get bodyUsed(): boolean {
    return this.#native ? this.#native.bodyUsed : this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this._native().body;
  }

  text(): Promise<string> {
    return this.#readAll().then(utf8);
  }

  json(): Promise<any> {
    return this.#readAll().then((bytes) => JSON.parse(utf8(bytes)));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#readAll().then(ownBuffer);
  }

  bytes(): Promise<Uint8Array> {
    return this.#readAll().then((bytes) => new Uint8Array(ownBuffer(bytes)));
  }

  #readAll(): Promise<Uint8Array> {
    if (this.#native) return this.#native.arrayBuffer().then((b) => new Uint8Array(b));
    if (this.#used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#used = true;
    if (NO_BODY.has(this.method)) return Promise.resolve(new Uint8Array(0));
    const req = this.#req;
    const limit = this.limit;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (chunk: Buffer) => {
        const tooLarge = limit.count(chunk.length);
        if (tooLarge) {
          cleanup();
          req.pause();
          reject(tooLarge);
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        cleanup();
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      };
      const onError = (error: Error) => {
        cleanup();
        reject(
          brokenBody.has(this.#res)
            ? new OmniserveError("ERR_MALFORMED_BODY", "the request body's framing is malformed", { cause: error })
            : error,
        );
      };
      // A client that goes away mid-body makes Node destroy `req` with an "aborted" error.
      const cleanup = () => {
        req.off("data", onData).off("end", onEnd).off("error", onError);
      };
      req.on("data", onData).on("end", onEnd).on("error", onError);
    });
  }

  /** A real Request with the same URL, headers, body stream and signal. @internal */
  _native(): Request {
    if (this.#native) return this.#native;
    let body: ReadableStream<Uint8Array> | null = null;
    if (!NO_BODY.has(this.method)) {
      if (this.#used) return this.#usedNative();
      body = this.limit.stream(Readable.toWeb(this.#req) as ReadableStream<Uint8Array>);
    }
    return this.#adopt(
      new NativeRequest(this.url, {
        method: this.method,
        headers: this.headers,
        body,
        signal: this.signal,
        // @ts-ignore: `duplex` is required by undici for stream bodies but missing from lib.dom
        duplex: "half",
      }),
    );
  }

  /**
   * Make `native` the request's: the headers object the app already holds
   * goes on to show (and change) the native Request's own copy, so a header
   * set after `clone()` or `formData()` is still the request's, as on Bun.
   */
  #adopt(native: Request): Request {
    (this.#headers as unknown as NodeHeaders | undefined)?._adopt(native.headers);
    return (this.#native = native);
  }

  /**
   * The native Request of one whose body was already read: its body is a
   * disturbed stream, so `bodyUsed` is true and cloning throws the standard
   * TypeError, while inspecting it or reading `mode` still works.
   */
  #usedNative(): Request {
    const native = this.#adopt(
      new NativeRequest(this.url, {
        method: this.method,
        headers: this.headers,
        body: new ReadableStream({ start: (controller) => controller.close() }),
        signal: this.signal,
        // @ts-ignore: as above
        duplex: "half",
      }),
    );
    native.body!.getReader().read().catch(() => {});
    return native;
  }
}

// Everything else a Request has (clone, formData, blob, ...) goes to the native one,
// and so do undici's internal slots: `new Request(request)` and `fetch(request)` read them.
delegateToNative(NodeRequest, NativeRequest, "Request");
delegateSlots(NodeRequest, new NativeRequest("http://localhost/"));

/**
 * undici 7 (Node 24) keeps a Request's state in private fields, which no
 * other object can answer: there `new Request(request)` and `fetch(request)`
 * read `#state` off their argument and throw for the lazy one. This subclass
 * and `unwrappingFetch` hand undici the native Request instead;
 * `instanceof Request` holds for native requests and for the lazy one alike,
 * as with the native class.
 */
class UnwrappingRequest extends NativeRequest {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === UnwrappingRequest ? value instanceof NativeRequest : Function.prototype[Symbol.hasInstance].call(this, value);
  }
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input instanceof NodeRequest ? input._native() : input, init);
  }
}

function unwrappingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return nativeFetch(input instanceof NodeRequest ? input._native() : input, init);
}

/** Whether the native Request's state is out of reach (private fields, not undici 6's symbol slots). */
let privateState: boolean | undefined;

/**
 * On a Node whose Request keeps its state in private fields (24), make the
 * global `Request` and `fetch` ones that accept the server's lazy request
 * (`on`), or the native ones again; elsewhere the lazy request already passes, and nothing
 * changes.
 */
export function installRequest(on = true): void {
  privateState ??= Object.getOwnPropertySymbols(new NativeRequest("http://localhost/")).length === 0;
  if (!privateState) return;
  swapGlobal("Request", NativeRequest, UnwrappingRequest, on);
  swapGlobal("fetch", nativeFetch, unwrappingFetch, on);
}

/**
 * A body read that failed because the client left: Node destroys the request
 * with ECONNRESET "aborted" (HTTP/1.1, and _h2.ts for a reset HTTP/2 stream),
 * sometimes before the response's close has aborted `request.signal`.
 */
export function clientGone(error: unknown): boolean {
  const err = error as { code?: unknown; message?: unknown } | null;
  return err?.code === "ECONNRESET" && err.message === "aborted";
}
