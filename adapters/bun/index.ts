/**
 * omniserve on Bun, over `Bun.serve`.
 *
 * Bun enforces `maxRequestBodySize`, Host and framing rules natively; this
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
import { logRequestError } from "../../src/_log.ts";
import { plainIp } from "../../src/_ip.ts";
import { ServerBase } from "../../src/_server.ts";
import { openTransport } from "../../transports/index.ts";
import type { Runtime, ServeOptions } from "../../src/types.ts";
import { installStandardResponse, NativeResponse, StandardResponse } from "./_response.ts";
import { bun, type BunServer as BunRaw } from "./host.ts";
import { BunWebSockets } from "./_ws.ts";
import { isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";

import { type Compress, makeCompress } from "../../src/compress/_compress.ts";
import { makeServeStatic, type ServeStatic } from "../../src/static/_serve-static.ts";
import { bunCompressors } from "./_compressors.ts";
import { bunFiles } from "./_files.ts";

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
  readonly raw: BunRaw;

  constructor(options: ServeOptions) {
    super(options, { openTransport, toNative });
    installStandardResponse(options.overrideGlobalObjects !== false);
    const ws = options.websocket ? new BunWebSockets(options.websocket) : undefined;
    if (ws) this.attachHub(ws.hub);
    const handlers = this.handlers;
    try {
      this.raw = bun().serve({
        port: this.resolved.port,
        hostname: this.resolved.hostname,
        reusePort: this.resolved.reusePort,
        maxRequestBodySize: this.resolved.maxRequestBodySize,
        idleTimeout: Math.min(this.resolved.idleTimeout, 255),
        development: false,
        http2: this.resolved.http2,
        ...(this.resolved.tls ? { tls: { cert: this.resolved.tls[0].cert, key: this.resolved.tls[0].key } } : {}),
        fetch: (request, server) =>
          ws && isWebSocketUpgrade(request.headers.get("upgrade"))
            ? ws.upgrade(request, server, plainIp(server.requestIP(request)?.address))
            : request.method === "HEAD"
            ? withHeaders(invoke(handlers, request, this.context(request)))
            : invoke(handlers, request, this.context(request)),
        ...(ws ? { websocket: ws.handler } : {}),
        error: (error) => {
          logRequestError(error);
          return internalError();
        },
      });
    } catch (error) {
      throw listenError(error, this.resolved);
    }
    if (ws) ws.pubsub.server = this.raw;
  }

  get port(): number {
    return this.raw.port;
  }

  get hostname(): string {
    return this.raw.hostname;
  }

  /** @internal */
  _remoteAddress(request: Request): string | undefined {
    return this.raw.requestIP(request)?.address;
  }

  protected async shutdown(closeActiveConnections: boolean): Promise<void> {
    await this.raw.stop(closeActiveConnections);
  }
}

/**
 * Bun writes no content-type on HEAD for a string body; reading the headers puts the
 * standard one in (see _response.ts), so HEAD matches GET.
 */
function withHeaders(response: Response | Promise<Response>): Response | Promise<Response> {
  if (response instanceof Promise) return response.then(withHeaders);
  void response.headers;
  return response;
}


/**
 * Install omniserve's standard Response as the global `Response` now (or,
 * with `false`, put Bun's own back): what a server does when it starts,
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
