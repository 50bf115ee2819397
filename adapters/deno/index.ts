/**
 * omniserve on Deno, over `Deno.serve`.
 *
 * Deno's server differs from the contract in two places this adapter fixes:
 * it enforces no body limit, and (without `--unstable-no-legacy-abort`, which
 * the CLI passes) it aborts `request.signal` after a normal response.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/deno";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 * @module
 */
import { listenError } from "../../src/_errors.ts";
import { Handlers, invoke } from "../../src/_handler.ts";
import { plainIp } from "../../src/_ip.ts";
import { BodyLimit, declaredTooLarge, tooLarge } from "../../src/_limit.ts";
import { formatUrl, resolveOptions, type ResolvedOptions } from "../../src/_options.ts";
import { WaitUntil } from "../../src/_wait.ts";
import type { ReloadOptions, Runtime, ServeOptions, Server, ServerContext } from "../../src/types.ts";
import { deno, type DenoHttpServer, type DenoServeInfo } from "./_types.ts";
import { DenoWebSockets } from "./_ws.ts";
import { isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

class DenoContext implements ServerContext {
  readonly server: DenoServer;
  readonly #info: DenoServeInfo;
  constructor(server: DenoServer, info: DenoServeInfo) {
    this.server = server;
    this.#info = info;
  }
  get ip(): string {
    return plainIp(this.#info.remoteAddr.hostname);
  }
  waitUntil(promise: Promise<unknown>): void {
    this.server._wait.add(promise);
  }
}

/** A running omniserve server on Deno. */
export class DenoServer implements Server<DenoHttpServer> {
  readonly runtime: Runtime = "deno";
  readonly options: ServeOptions;
  readonly raw: DenoHttpServer;
  /** @internal */
  readonly _wait: WaitUntil = new WaitUntil();
  readonly #handlers: Handlers;
  readonly #opts: ResolvedOptions;
  readonly #ready: Promise<DenoServer>;
  readonly #protocol: "http" | "https";
  readonly #ws: DenoWebSockets | undefined;

  constructor(options: ServeOptions) {
    this.options = options;
    this.#opts = resolveOptions(options);
    this.#handlers = new Handlers(options);
    this.#protocol = options.tls ? "https" : "http";
    if (options.websocket) this.#ws = new DenoWebSockets(options.websocket);
    try {
      this.raw = deno().serve({
        port: this.#opts.port,
        hostname: this.#opts.hostname,
        ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
        handler: (request, info) => this.#onRequest(request, info),
        onListen: () => {},
      });
    } catch (error) {
      throw listenError(error, this.#opts);
    }
    this.#ready = Promise.resolve(this);
  }

  get port(): number {
    return this.raw.addr.port;
  }

  get hostname(): string {
    return this.raw.addr.hostname;
  }

  get url(): string {
    return formatUrl(this.#protocol, this.hostname, this.port);
  }

  ready(): Promise<DenoServer> {
    return this.#ready;
  }

  reload(handlers: ReloadOptions): void {
    this.#handlers.reload(handlers);
  }

  publish(topic: string, data: string | ArrayBuffer | Uint8Array): number {
    return this.#ws?.hub.publish(topic, data) ?? 0;
  }

  subscriberCount(topic: string): number {
    return this.#ws?.hub.subscriberCount(topic) ?? 0;
  }

  async stop(closeActiveConnections = false): Promise<void> {
    this.#ws?.closeAll();
    if (closeActiveConnections) {
      // Deno has no "drop everything": shut down without waiting for the drain.
      this.raw.shutdown().catch(() => {});
      await this._wait.settle();
      return;
    }
    await this.raw.shutdown();
    await this._wait.settle();
  }

  #onRequest(request: Request, info: DenoServeInfo): Response | Promise<Response> {
    // Reading `request.headers` costs Deno about a tenth of a request (measured), so
    // GET and HEAD, which Deno gives no body, read them only for a WebSocket server.
    const method = request.method;
    const bodyless = method === "GET" || method === "HEAD";
    if (bodyless && !this.#ws) return invoke(this.#handlers, request, new DenoContext(this, info));
    const headers = request.headers;
    if (this.#ws && isWebSocketUpgrade(headers.get("upgrade"))) {
      return this.#ws.upgrade(request, plainIp(info.remoteAddr.hostname)); // a non-GET gets 400 there
    }
    if (bodyless) return invoke(this.#handlers, request, new DenoContext(this, info));
    const max = this.#opts.maxRequestBodySize;
    const length = headers.get("content-length");
    if (declaredTooLarge(length, max)) return tooLarge();
    if (length === null && request.body !== null) {
      const limit = new BodyLimit(max);
      const response = invoke(this.#handlers, limit.request(request), new DenoContext(this, info));
      return Promise.resolve(response).then((r) => limit.settle(r));
    }
    return invoke(this.#handlers, request, new DenoContext(this, info));
  }
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
