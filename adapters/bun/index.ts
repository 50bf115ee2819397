/**
 * omniserve on Bun, over `Bun.serve`.
 *
 * Bun enforces Host and framing rules natively, but for the empty list
 * elements beside `chunked` it serves (refused here, see
 * src/_transfer-encoding.ts), and `maxRequestBodySize` is checked in JS (see
 * _limit.ts); this
 * adapter adds the shared handler contract (a non-Response is an error, a
 * plain 500 without internals) and standard string content-types. Importing
 * this module changes nothing; starting a server installs the standard
 * Response subclass as the global `Response` unless `overrideGlobalObjects`
 * is false.
 * @module
 */
import { listenError } from "../../src/_errors.ts";
import { nativeResponses } from "../../src/_foreign.ts";
import { internalError, invoke } from "../../src/_handler.ts";
import { limitBody } from "../../src/_limit.ts";
import { logRequestError } from "../../src/_log.ts";
import { plainIp } from "../../src/_ip.ts";
import { refusedTransferEncoding } from "../../src/_transfer-encoding.ts";
import { ServerBase } from "../../src/_server.ts";
import { openTransport } from "../../transports/index.ts";
import { checkPem } from "../../tls/check.ts";
import type { TlsEntry } from "../../src/_tls.ts";
import type { Runtime, ServeOptions } from "../../src/types.ts";
import { installStandardResponse, NativeResponse, StandardResponse } from "./_response.ts";
import { installInspect } from "./_inspect.ts";
import { installRequestBody } from "./_request-body.ts";
import { bun, type BunServeOptions, type BunServer as BunRaw } from "./host.ts";
import { bunTls, claimPort, relisten } from "./_tls.ts";
import { BunWebSockets } from "./_ws.ts";
import { nativeBodyLimit, refuse } from "./_limit.ts";
import { isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";

import { type Compress, makeCompress } from "../../src/compress/_compress.ts";
import { fileNotFound, makeServeStatic, type ServeStatic } from "../../src/static/_serve-static.ts";
import { bunCompressors } from "./_compressors.ts";
import { bunFiles, goneAtSend } from "./_files.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

/** Bun.serve sends only Bun's own Response objects (it answers others with an empty 204); see _foreign.ts. */
const toNative = nativeResponses(NativeResponse, StandardResponse);

/**
 * Compress a fetch handler's responses with Bun's native zlib and zstd (see `compress` in the README).
 *
 * @example
 * ```ts
 * import { compress, serve } from "omniserve/bun";
 * const server = serve({ port: 0, fetch: compress(() => new Response("x".repeat(4096))) });
 * await server.stop();
 * ```
 */
export const compress: Compress = makeCompress(bunCompressors);

/**
 * Serve a folder; files go out as `Bun.file()`, with sendfile(2) (see `serveStatic` in the README).
 *
 * @example
 * ```ts
 * import { serve, serveStatic } from "omniserve/bun";
 * const server = serve({ port: 0, fetch: serveStatic({ root: "." }) });
 * await server.stop();
 * ```
 */
export const serveStatic: ServeStatic = makeServeStatic(bunFiles);

/** A running omniserve server on Bun. */
export class BunServer extends ServerBase<BunRaw, Request> {
  readonly runtime: Runtime = "bun";
  #raw: BunRaw;
  readonly #options: BunServeOptions;
  readonly #ws: BunWebSockets | undefined;
  /** Servers replaced by a certificate reload, finishing their connections (pub/sub reaches their peers too). */
  readonly #draining: Set<BunRaw>;

  constructor(options: ServeOptions) {
    super(options, { openTransport, checkPem, toNative });
    useGlobalResponse(options.overrideGlobalObjects !== false);
    const ws = this.#ws = options.websocket ? new BunWebSockets(options.websocket) : undefined;
    if (ws) this.attachHub(ws.hub);
    this.#draining = ws ? ws.pubsub.retired : new Set();
    const handlers = this.handlers;
    const tls = this.resolved.tls;
    const max = this.resolved.maxRequestBodySize;
    const run = (request: Request) => invoke(handlers, request, this.context(request));
    this.#options = {
      port: this.resolved.port,
      hostname: this.resolved.hostname,
      // With TLS, reload({ tls }) opens a second server on this port (see _tls.ts).
      reusePort: this.resolved.reusePort || tls !== undefined,
      maxRequestBodySize: nativeBodyLimit(max),
      idleTimeout: Math.min(this.resolved.idleTimeout, 255),
      development: false,
      http2: this.resolved.http2,
      ...(tls ? { tls: bunTls(tls) } : {}),
      fetch: (request, server) => {
        if (ws && isWebSocketUpgrade(request.headers)) {
          return ws.upgrade(request, server, plainIp(server.requestIP(request)?.address));
        }
        const method = request.method;
        if (method === "GET") return invoke(handlers, request, this.context(request));
        if (method === "HEAD") return withHeaders(invoke(handlers, request, this.context(request)));
        const headers = request.headers;
        const contentLength = headers.get("content-length");
        const refused = contentLength === null ? refusedTransferEncoding(headers, () => server.requestIP(request)?.address, true) : undefined;
        return refused ?? limitBody(request, contentLength, max, run, refuse);
      },
      ...(ws ? { websocket: ws.handler } : {}),
      error: (error) => {
        if (goneAtSend(error)) return fileNotFound("GET"); // only a GET opens a file (HEAD has no body)
        logRequestError(error);
        return internalError();
      },
    };
    try {
      if (tls && !this.resolved.reusePort) claimPort(this.resolved.hostname, this.resolved.port);
      this.#raw = bun().serve(this.#options);
    } catch (error) {
      throw listenError(error, this.resolved);
    }
    if (ws) ws.pubsub.server = this.#raw;
  }

  get raw(): BunRaw {
    return this.#raw;
  }

  get port(): number {
    return this.#raw.port;
  }

  /** The address bound, as Node and Deno say it (Bun's own `hostname` repeats "localhost" as given). */
  get hostname(): string {
    return this.#raw.address?.address ?? this.#raw.hostname;
  }

  /** @internal */
  _remoteAddress(request: Request): string | undefined {
    const ip = this.#raw.requestIP(request);
    if (ip || this.#draining.size === 0) return ip?.address;
    for (const old of this.#draining) {
      const address = old.requestIP(request)?.address;
      if (address) return address;
    }
    return undefined;
  }


  protected reloadTls(entries: TlsEntry[]): void {
    const { server, drained } = relisten(this.#raw, this.#options, entries);
    const old = this.#raw;
    this.#raw = server;
    if (this.#ws) this.#ws.pubsub.server = server;
    this.#draining.add(old);
    drained.finally(() => this.#draining.delete(old));
  }

  protected async shutdown(closeActiveConnections: boolean): Promise<void> {
    await Promise.all([this.#raw, ...this.#draining].map((s) => s.stop(closeActiveConnections)));
  }
}

/**
 * HEAD, where Bun's wire differs from its GET: it writes no content-type for a
 * string body (reading the headers puts the standard one in, see _response.ts)
 * and, over HTTP/1.1, no Date. The Date goes in here (over HTTP/2 Bun sends
 * this one instead of its own, one field either way), so HEAD matches GET.
 */
function withHeaders(response: Response | Promise<Response>): Response | Promise<Response> {
  if (response instanceof Promise) return response.then(withHeaders);
  const headers = response.headers;
  if (headers.has("date")) return response;
  const date = new Date().toUTCString();
  try {
    headers.set("date", date);
    return response;
  } catch {
    // Immutable headers (a fetch() or Response.redirect() result): a copy with the same head.
    const copy = new Headers(headers);
    copy.set("date", date);
    return new NativeResponse(response.body, { status: response.status, statusText: response.statusText, headers: copy });
  }
}

/**
 * Install omniserve's standard Response as the global `Response` now, and
 * let `util.inspect()` show Bun's Request and Headers' fields (or, with
 * `false`, put Bun's own back): what a server does when it starts,
 * unless `overrideGlobalObjects` is false. The CLI calls it before it loads
 * an app module, so libraries that capture `Response` at import capture this
 * one.
 *
 * @example
 * ```ts
 * import { useGlobalResponse } from "omniserve/bun";
 * useGlobalResponse();
 * ```
 */
export function useGlobalResponse(on = true): void {
  installStandardResponse(on);
  installInspect(on);
  installRequestBody(on);
}

/**
 * Start serving `options.fetch` on Bun.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/bun";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 */
export function serve(options: ServeOptions): BunServer {
  return new BunServer(options);
}
