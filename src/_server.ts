/**
 * What the three adapters' servers share: options and handlers, `ready`,
 * `reload`, `publish`, `subscriberCount`, `url`, the graceful-stop contract
 * and the per-request `ctx`. An adapter adds how to listen, how to shut its
 * runtime's server down, and where a request's client address is.
 * @module
 */
import { Handlers } from "./_handler.ts";
import { plainIp } from "./_ip.ts";
import { formatUrl, resolveOptions, type ResolvedOptions } from "./_options.ts";
import { type CheckPem, reloadEntries, type TlsEntry } from "./_tls.ts";
import { WaitUntil } from "./_wait.ts";
import { SharedPubSub, type Transport } from "./pubsub/_shared.ts";
import { CloseCode } from "./ws/_close.ts";
import type { WsHub } from "./ws/_hub.ts";
import type { PeerBase } from "./ws/_peer.ts";
import type { PublishOptions } from "./ws/_pubsub.ts";
import type {
  PubSubOptions,
  PubSubStats,
  ReloadOptions,
  Runtime,
  ServeOptions,
  Server,
  ServerContext,
  TLSInfo,
} from "./types.ts";

/** Makes the transport for `pubsub` (Redis); adapters pass it in so the core imports no client. */
export type OpenTransport = (config: Required<PubSubOptions>) => Transport;

/** What an adapter hands the shared server besides the options. */
export interface AdapterParts {
  openTransport?: OpenTransport;
  /** Checks TLS certificates and keys (tls/check.ts); needed for `tls`. */
  checkPem?: CheckPem;
  /** For runtimes that send only their own Response objects: rebuilds another library's (see _foreign.ts). */
  toNative?: (response: Response) => Response;
  /**
   * True when `error` says the client left mid-request, where the request's
   * signal does not say so yet (Deno aborts it only after the response).
   */
  clientGone?: (error: unknown) => boolean;
  /**
   * The runtime's own reason when `error` says the request body's framing broke (a chunk extension past the
   * parser's bound, say), where the runtime hands that to the handler as a failed read (Deno): 400, not 500.
   */
  malformedBody?: (error: unknown) => string | undefined;
}

/**
 * A running server. `Source` is what the adapter knows about one request's
 * connection (Node's IncomingMessage, Deno's serve info, Bun's Request).
 */
export abstract class ServerBase<Raw, Source> implements Server<Raw> {
  abstract readonly runtime: Runtime;
  abstract readonly raw: Raw;
  readonly options: ServeOptions;
  /** @internal `ctx.waitUntil()` work a graceful stop waits for. */
  readonly _wait: WaitUntil = new WaitUntil();
  protected readonly handlers: Handlers;
  protected readonly resolved: ResolvedOptions;
  protected readonly scheme: "http" | "https";
  /** The WebSocket hub, when the app has `websocket` hooks; set with {@link attachHub}. */
  protected hub: WsHub | undefined;
  /**
   * Settles when the runtime listens (Node binds asynchronously). Left
   * unhandled on purpose: ready() handles it, and without ready() a failure
   * surfaces as an unhandled rejection, as Deno and Bun throw from serve().
   */
  protected listening: Promise<unknown> = Promise.resolve();
  readonly #openTransport: OpenTransport | undefined;
  readonly #checkPem: CheckPem | undefined;
  #shared: SharedPubSub<PeerBase> | undefined;
  #connected: Promise<void> = Promise.resolve();
  #ready: Promise<this> | undefined;

  constructor(options: ServeOptions, adapter: AdapterParts = {}) {
    this.options = options;
    this.resolved = resolveOptions(options, adapter.checkPem);
    this.handlers = new Handlers(options, adapter.toNative, adapter.clientGone, adapter.malformedBody);
    this.scheme = options.tls ? "https" : "http";
    this.#openTransport = adapter.openTransport;
    this.#checkPem = adapter.checkPem;
  }

  /**
   * Use `hub` for WebSockets. With `pubsub` set, its pub/sub is extended over
   * the transport, which starts connecting now, while the server binds.
   */
  protected attachHub(hub: WsHub): void {
    this.hub = hub;
    const config = this.resolved.pubsub;
    if (!config || !this.#openTransport) return;
    const shared = this.#shared = new SharedPubSub(hub.pubsub, this.#openTransport(config));
    hub.pubsub = shared;
    this.#connected = shared.start();
    this.#connected.catch(() => {}); // surfaced through ready()
  }

  abstract get port(): number;
  abstract get hostname(): string;

  get url(): string {
    return formatUrl(this.scheme, this.hostname, this.port);
  }

  /** Resolves once listening (and connected to the pub/sub transport); on failure, stops and rejects. */
  ready(): Promise<this> {
    return (this.#ready ??= Promise.all([this.listening, this.#connected]).then(
      () => this,
      async (error) => {
        await this.stop(true).catch(() => {});
        throw error;
      },
    ));
  }

  get worker(): number {
    return this.resolved.worker;
  }

  get pubsub(): Readonly<PubSubStats> | undefined {
    return this.#shared ? { ...this.#shared.stats } : undefined;
  }

  reload(handlers: ReloadOptions): void {
    // Certificates first: a bad one throws ERR_TLS before anything changes.
    if (handlers.tls !== undefined) {
      const entries = reloadEntries(this.resolved.tls, handlers.tls, this.#checkPem);
      this.reloadTls(entries);
      this.resolved.tls = entries;
    }
    this.handlers.reload(handlers);
  }

  /** Serve `entries` (checked) to new connections from now on; open connections keep theirs. */
  protected abstract reloadTls(entries: TlsEntry[]): void;

  publish(topic: string, data: string | ArrayBuffer | Uint8Array, options?: PublishOptions): number {
    return this.hub?.publish(topic, data, undefined, options) ?? 0;
  }

  subscriberCount(topic: string): number {
    return this.hub?.subscriberCount(topic) ?? 0;
  }

  /**
   * Every open WebSocket gets 1001, the runtime stops accepting and (unless
   * `closeActiveConnections`) lets in-flight requests finish, then the
   * `waitUntil` work settles.
   */
  async stop(closeActiveConnections = false): Promise<void> {
    this.closeWebSockets();
    await this.shutdown(closeActiveConnections);
    await this._wait.settle();
    await this.#shared?.close();
  }

  /** Stop the runtime's server; resolves when its connections are done. */
  protected abstract shutdown(closeActiveConnections: boolean): Promise<void>;

  /** Graceful stop: every open peer gets 1001. */
  protected closeWebSockets(): void {
    this.hub?.closeAll(CloseCode.goingAway, "server shutting down");
  }

  /** @internal The client address of a request, as the runtime gives it. */
  abstract _remoteAddress(source: Source): string | undefined;

  /**
   * @internal What the runtime tells of a request's TLS connection; undefined over plain HTTP, and
   * where the runtime tells a handler nothing of it (Deno.serve, Bun.serve: named exception noTlsInfo).
   */
  _tlsInfo(_source: Source): TLSInfo | undefined {
    return undefined;
  }

  /** The `ctx` for one request. */
  protected context(source: Source): RequestContext<Source> {
    return new RequestContext(this, source);
  }
}

/** The second argument of `fetch`; the client address is read only when asked. */
export class RequestContext<Source> implements ServerContext {
  readonly server: ServerBase<unknown, Source>;
  readonly #source: Source;

  constructor(server: ServerBase<unknown, Source>, source: Source) {
    this.server = server;
    this.#source = source;
  }

  get ip(): string {
    return plainIp(this.server._remoteAddress(this.#source));
  }

  get tls(): TLSInfo | undefined {
    return this.server._tlsInfo(this.#source);
  }

  waitUntil(promise: Promise<unknown>): void {
    this.server._wait.add(promise);
  }
}
