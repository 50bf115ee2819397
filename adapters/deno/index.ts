/**
 * omniserve on Deno, over `Deno.serve`.
 *
 * Deno's server differs from the contract in three places this adapter fixes:
 * it enforces no body limit, it reads a body whose Transfer-Encoding names a
 * coding beside chunked (`gzip, chunked`) as chunked and hands it over still
 * coded (refused, see src/_transfer-encoding.ts), and (without
 * `--unstable-no-legacy-abort`, which the CLI passes) it aborts
 * `request.signal` after a normal response.
 * @module
 */
import { installStandardUrl } from "./_url.ts";
import { listenError } from "../../src/_errors.ts";
import { nativeResponses } from "../../src/_foreign.ts";
import { invoke } from "../../src/_handler.ts";
import { plainIp } from "../../src/_ip.ts";
import { drain, limitBody, tooLarge } from "../../src/_limit.ts";
import { ServerBase } from "../../src/_server.ts";
import { refusedTransferEncoding } from "../../src/_transfer-encoding.ts";
import { openTransport } from "../../transports/index.ts";
import { checkPem } from "../../tls/check.ts";
import type { TlsEntry } from "../../src/_tls.ts";
import type { Runtime, ServeOptions } from "../../src/types.ts";
import { deno, type DenoHttpServer, type DenoServeInfo, type DenoServeOptions } from "./host.ts";
import { canReusePort, claimPort, denoTls, relisten } from "./_tls.ts";
import { DenoWebSockets } from "./_ws.ts";
import { StallBound } from "./_stall.ts";
import { isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";

import { type Compress, makeCompress } from "../../src/compress/_compress.ts";
import { makeServeStatic, type ServeStatic } from "../../src/static/_serve-static.ts";
import { denoCompressors } from "./_compressors.ts";
import { denoFiles } from "./_files.ts";
import { DenoResponse, installDenoResponse, NativeResponse } from "./_response.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

/** Deno.serve sends only Deno's own Response objects (subclasses included); others are rebuilt (see _foreign.ts). */
const toNative = nativeResponses(NativeResponse, DenoResponse);

/**
 * Compress a fetch handler's responses with Deno's native `node:zlib` (see `compress` in the README).
 *
 * @example
 * ```ts
 * import { compress, serve } from "omniserve/deno";
 * const server = serve({ port: 0, fetch: compress(() => new Response("x".repeat(4096))) });
 * await server.stop();
 * ```
 */
export const compress: Compress = makeCompress(denoCompressors);

/**
 * Serve a folder; whole files go out as the open file's readable (see `serveStatic` in the README).
 *
 * @example
 * ```ts
 * import { serve, serveStatic } from "omniserve/deno";
 * const server = serve({ port: 0, fetch: serveStatic({ root: "." }) });
 * await server.stop();
 * ```
 */
export const serveStatic: ServeStatic = makeServeStatic(denoFiles);

/** A running omniserve server on Deno. */
export class DenoServer extends ServerBase<DenoHttpServer, DenoServeInfo> {
  readonly runtime: Runtime = "deno";
  #raw: DenoHttpServer;
  readonly #options: DenoServeOptions;
  readonly #ws: DenoWebSockets | undefined;
  /** Servers replaced by a certificate reload, finishing their requests. */
  readonly #draining = new Set<DenoHttpServer>();

  constructor(options: ServeOptions) {
    super(options, { openTransport, checkPem, toNative, clientGone, malformedBody });
    useGlobalResponse(options.overrideGlobalObjects !== false);
    installStandardUrl();
    if (options.websocket) this.attachHub((this.#ws = new DenoWebSockets(options.websocket)).hub);
    const tls = this.resolved.tls;
    this.#options = {
      port: this.resolved.port,
      hostname: this.resolved.hostname,
      // With TLS, reload({ tls }) opens a second server on this port (see _tls.ts).
      reusePort: this.resolved.reusePort || (tls !== undefined && canReusePort()),
      ...(tls ? denoTls(tls) : {}),
      // One app sends the same coding on every runtime: only compress() compresses.
      automaticCompression: false,
      // Over TLS an absolute-form target could downgrade the scheme, so every request's URL is
      // checked there; on plain HTTP the check would cost a hello request 5-15% (named exception
      // denoAbsoluteScheme), as Deno builds request.url only when it is read.
      handler: options.tls
        ? (request, info) => this.#onRequest(request.url.startsWith("https://") ? request : withScheme(request, "https://"), info)
        : (request, info) => this.#onRequest(request, info),
      onListen: () => {},
    };
    try {
      if (this.#options.reusePort && !this.resolved.reusePort) claimPort(this.resolved.hostname, this.resolved.port);
      this.#raw = deno().serve(this.#options);
    } catch (error) {
      throw listenError(error, this.resolved);
    }
  }

  get raw(): DenoHttpServer {
    return this.#raw;
  }

  get port(): number {
    return this.#raw.addr.port;
  }

  get hostname(): string {
    return this.#raw.addr.hostname;
  }

  /** @internal */
  _remoteAddress(info: DenoServeInfo): string {
    return info.remoteAddr.hostname;
  }


  protected reloadTls(entries: TlsEntry[]): void {
    const { server, drained } = relisten(this.#raw, this.#options, entries);
    const old = this.#raw;
    this.#raw = server;
    this.#draining.add(old);
    drained.finally(() => this.#draining.delete(old));
  }

  protected async shutdown(closeActiveConnections: boolean): Promise<void> {
    // Deno has no "drop everything": shut down without waiting for the drain.
    const done = Promise.all([this.#raw, ...this.#draining].map((s) => s.shutdown()));
    if (closeActiveConnections) done.catch(() => {});
    else await done;
  }

  #onRequest(request: Request, info: DenoServeInfo): Response | Promise<Response> {
    // Reading `request.headers` costs Deno about a tenth of a request (measured), so
    // GET and HEAD, which Deno gives no body, read them only for a WebSocket server.
    const method = request.method;
    const bodyless = method === "GET" || method === "HEAD";
    if (bodyless && !this.#ws) return invoke(this.handlers, request, this.context(info));
    const headers = request.headers;
    if (this.#ws && isWebSocketUpgrade(headers)) {
      return this.#ws.upgrade(request, plainIp(info.remoteAddr.hostname)); // a non-GET gets 400 there
    }
    if (bodyless) return invoke(this.handlers, request, this.context(info));
    const contentLength = headers.get("content-length");
    // Deno.serve decides on the connection after it (denoRefusalKeepsConnection): no `connection: close`.
    const refused = contentLength === null ? refusedTransferEncoding(headers, () => info.remoteAddr.hostname, false) : undefined;
    if (refused) return refused;
    // A body of unknown length may stall in Deno's parser for good (a trailer section past ~64 KiB): see _stall.ts.
    const stall = contentLength === null && request.body !== null ? new StallBound(this.resolved.idleTimeout * 1000) : undefined;
    const bounded = stall ? stall.request(request) : request;
    const response = limitBody(bounded, contentLength, this.resolved.maxRequestBodySize, (limited) => {
      const response = invoke(this.handlers, limited, this.context(info));
      return response instanceof Promise ? response.then((r) => drainUnread(limited, r)) : drainUnread(limited, response);
    }, refuseOnDeno);
    if (!stall) return response;
    return response instanceof Promise ? response.then((r) => stall.settle(r)) : stall.settle(response);
  }
}

/**
 * A body read that failed because the client left: Deno reports it as
 * BadResource ("Cannot read [request] body as underlying resource unavailable")
 * over HTTP/1.1 and as Http ("error reading a body from connection") when an
 * HTTP/2 stream is reset, and aborts `request.signal` only after the response.
 */
function clientGone(error: unknown): boolean {
  const err = error as { name?: unknown; message?: unknown } | null;
  const message = String(err?.message);
  return (err?.name === "BadResource" && /^Cannot read (request )?body as underlying resource unavailable/.test(message)) ||
    (err?.name === "Http" && message.startsWith("error reading a body from connection"));
}

/**
 * A body read that failed because the client broke its framing while the
 * connection still takes a response: Deno.serve's parser (hyper) fails the
 * read with a plain Error, `invalid HTTP/1 request: ...` (a chunk extension
 * past its bound, measured on 2.9.6), where Node's parser and Bun answer 400.
 * Other framing errors (a bad chunk size) reach the handler as BadResource,
 * with the connection already gone (`brokenBodyCloses`).
 */
function malformedBody(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && message.startsWith("invalid HTTP/1 request") ? message : undefined;
}

/**
 * Deno.serve stops reading a body nobody reads, and a client still sending it
 * (Deno's own fetch) then waits for minutes before it takes the response: the
 * rest is read and discarded, bounded (see `drain`).
 */
/** Deno's 413: Deno closes a connection whose body was not read and says so itself (no second `connection: close`). */
const refuseOnDeno = (): Response => tooLarge(false);

function drainUnread(request: Request, response: Response): Response {
  if (!request.bodyUsed) void drain(request.body);
  return response;
}

/**
 * Deno.serve takes an absolute-form target's scheme as sent (even `HTTP://`), so
 * `GET http://evil.example/x` over TLS would show the app `http://`. The scheme is the
 * connection's: the request is rebuilt with `origin` (`https://`), keeping the target's
 * authority (RFC 9112 3.2.2).
 */
function withScheme(request: Request, origin: string): Request {
  const url = request.url;
  return new Request(origin + url.slice(url.indexOf("://") + 3), request);
}

/**
 * Install omniserve's Deno Response as the global `Response` now (or, with
 * `false`, put Deno's own back): what a server does when it starts, unless
 * `overrideGlobalObjects` is false. It is Deno's class with one note kept,
 * whether the body was given in memory, so compress() takes such a body
 * without reading a stream (_response.ts). The CLI calls it before it loads
 * an app module.
 *
 * @example
 * ```ts
 * import { useGlobalResponse } from "omniserve/deno";
 * useGlobalResponse();
 * ```
 */
export function useGlobalResponse(on = true): void {
  installDenoResponse(on);
}

/**
 * Start serving `options.fetch` on Deno.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/deno";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 */
export function serve(options: ServeOptions): DenoServer {
  return new DenoServer(options);
}
