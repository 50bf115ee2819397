/**
 * omniserve on Bun, over `Bun.serve`.
 *
 * Bun enforces `maxRequestBodySize`, Host and framing rules natively; this
 * adapter adds the shared handler contract (a non-Response is an error, a
 * plain 500 without internals) and standard string content-types.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/bun";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 * @module
 */
import { listenError } from "../../src/_errors.ts";
import { nativeResponses } from "../../src/_foreign.ts";
import { Handlers, internalError, invoke } from "../../src/_handler.ts";
import { logRequestError } from "../../src/_log.ts";
import { plainIp } from "../../src/_ip.ts";
import { formatUrl, resolveOptions, type ResolvedOptions } from "../../src/_options.ts";
import { WaitUntil } from "../../src/_wait.ts";
import type { ReloadOptions, Runtime, ServeOptions, Server, ServerContext } from "../../src/types.ts";
import { installStandardResponse, NativeResponse, StandardResponse } from "./_response.ts";
import { bun, type BunServer as BunRaw } from "./_types.ts";
import { BunWebSockets } from "./_ws.ts";
import { isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

installStandardResponse();

/** Bun.serve sends only Bun's own Response objects (it answers others with an empty 204); see _foreign.ts. */
const toNative = nativeResponses(NativeResponse, StandardResponse);

class BunContext implements ServerContext {
  readonly server: BunServer;
  readonly #request: Request;
  constructor(server: BunServer, request: Request) {
    this.server = server;
    this.#request = request;
  }
  get ip(): string {
    return plainIp(this.server.raw.requestIP(this.#request)?.address);
  }
  waitUntil(promise: Promise<unknown>): void {
    this.server._wait.add(promise);
  }
}

/** A running omniserve server on Bun. */
export class BunServer implements Server<BunRaw> {
  readonly runtime: Runtime = "bun";
  readonly options: ServeOptions;
  readonly raw: BunRaw;
  /** @internal */
  readonly _wait: WaitUntil = new WaitUntil();
  readonly #handlers: Handlers;
  readonly #opts: ResolvedOptions;
  readonly #ready: Promise<BunServer>;
  readonly #ws: BunWebSockets | undefined;

  constructor(options: ServeOptions) {
    this.options = options;
    this.#opts = resolveOptions(options);
    this.#handlers = new Handlers(options, toNative);
    const ws = this.#ws = options.websocket ? new BunWebSockets(options.websocket) : undefined;
    try {
      this.raw = bun().serve({
        port: this.#opts.port,
        hostname: this.#opts.hostname,
        maxRequestBodySize: this.#opts.maxRequestBodySize,
        idleTimeout: Math.min(this.#opts.idleTimeout, 255),
        development: false,
        ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
        fetch: (request, server) =>
          ws && isWebSocketUpgrade(request.headers.get("upgrade"))
            ? ws.upgrade(request, server, plainIp(server.requestIP(request)?.address))
            : request.method === "HEAD"
            ? withHeaders(invoke(this.#handlers, request, new BunContext(this, request)))
            : invoke(this.#handlers, request, new BunContext(this, request)),
        ...(ws ? { websocket: ws.handler } : {}),
        error: (error) => {
          logRequestError(error);
          return internalError();
        },
      });
    } catch (error) {
      throw listenError(error, this.#opts);
    }
    this.#ready = Promise.resolve(this);
  }

  get port(): number {
    return this.raw.port;
  }

  get hostname(): string {
    return this.raw.hostname;
  }

  get url(): string {
    return formatUrl(this.options.tls ? "https" : "http", this.hostname, this.port);
  }

  ready(): Promise<BunServer> {
    return this.#ready;
  }

  reload(handlers: ReloadOptions): void {
    this.#handlers.reload(handlers);
  }

  publish(topic: string, data: string | ArrayBuffer | Uint8Array): number {
    return this.#ws ? this.#ws.publish(this.raw, topic, data) : 0;
  }

  subscriberCount(topic: string): number {
    return this.#ws ? this.raw.subscriberCount(topic) : 0;
  }

  async stop(closeActiveConnections = false): Promise<void> {
    this.#ws?.closeAll();
    await this.raw.stop(closeActiveConnections);
    await this._wait.settle();
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
