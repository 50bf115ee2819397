/**
 * The runtime-independent half of a peer, in crossws's `Peer` shape. Each
 * adapter extends it with how to send, close and count buffered bytes.
 * @module
 */
import type { Peer as CrosswsPeer } from "crossws";
import type { PublishOptions, PubSub } from "./_pubsub.ts";
import { UpgradeRequest } from "./_request.ts";
import { topicName } from "./_topics.ts";

/** What a peer needs from its server's hub (the hub in `_hub.ts` is one). */
export interface PeerHub {
  /** Every peer connected to the server. */
  readonly peers: Set<PeerBase>;
  readonly pubsub: PubSub<PeerBase>;
}

/** What an adapter knows about a connection when it opens. */
export interface PeerInit {
  /** The upgrade request: the runtime's own (its signal aborts on close), or one built on first read. */
  request: Request | UpgradeRequest;
  remoteAddress: string;
  context: Record<string, unknown>;
  protocol: string | undefined;
  /** The Sec-WebSocket-Extensions value of the 101, when the adapter knows it. */
  extensions?: string;
}

const OPEN = 1;

/** A connected WebSocket; hooks see it as a crossws `Peer`. `H` is the adapter's hub type. */
export abstract class PeerBase<H extends PeerHub = PeerHub> {
  readonly #request: Request | UpgradeRequest;
  /** The client address, as `ctx.ip` shows it. */
  readonly remoteAddress: string;
  readonly context: Record<string, unknown>;
  /** The subprotocol the server echoed, or "". */
  readonly protocol: string;
  /** The extensions the 101 named, or "". */
  readonly extensions: string;
  /** Topics this peer is subscribed to. */
  readonly topics: Set<string> = new Set();
  /** @internal */
  readonly _hub: H;
  /** @internal idle sweeps without a frame from the client (see _idle.ts); adapters reset it */
  _idleTicks = 0;
  #id: string | undefined;
  #view: CrosswsPeer["websocket"] | undefined;

  constructor(hub: H, init: PeerInit) {
    this._hub = hub;
    this.#request = init.request;
    this.remoteAddress = init.remoteAddress;
    this.context = init.context;
    this.protocol = init.protocol ?? "";
    this.extensions = init.extensions ?? "";
  }

  /** `WebSocket.readyState` numbers: 0 connecting, 1 open, 2 closing, 3 closed. */
  abstract get readyState(): number;
  /** Bytes queued for this peer and not yet written to the network. */
  abstract get bufferedAmount(): number;
  /**
   * Send one message: strings as text, bytes as binary, other values as JSON
   * text. Returns its length in bytes (UTF-8 for text, before compression),
   * or 0 when it was dropped (the peer is closed or past `backpressureLimit`).
   */
  abstract send(data: unknown, options?: { compress?: boolean }): number;
  /** Start the closing handshake with `code` (default 1000) and `reason`. */
  abstract close(code?: number, reason?: string): void;
  /** Drop the connection now, without a closing handshake. */
  abstract terminate(): void;
  /** Send a ping control frame. */
  abstract ping(data?: unknown): void;

  /** The upgrade request; its signal aborts when the connection closes, before the close hook runs. */
  get request(): Request {
    const request = this.#request;
    return request instanceof UpgradeRequest ? request.get() : request;
  }

  /** @internal the connection closed */
  _closeRequest(): void {
    if (this.#request instanceof UpgradeRequest) this.#request.close();
  }

  /** A random UUID, made on first read. */
  get id(): string {
    return this.#id ??= crypto.randomUUID();
  }

  /** The pub/sub namespace: the upgrade request's path. */
  get namespace(): string {
    return new URL(this.request.url).pathname;
  }

  /** Every peer connected to this server. */
  get peers(): Set<CrosswsPeer> {
    return this._hub.peers as unknown as Set<CrosswsPeer>;
  }

  /** A read-only WebSocket-like view (readyState, protocol, extensions, url, bufferedAmount). */
  get websocket(): CrosswsPeer["websocket"] {
    if (this.#view) return this.#view;
    const view = { protocol: this.protocol, extensions: this.extensions, url: this.request.url.replace(/^http/, "ws") };
    Object.defineProperties(view, {
      readyState: { get: () => this.readyState, enumerable: true },
      bufferedAmount: { get: () => this.bufferedAmount, enumerable: true },
    });
    return this.#view = view as CrosswsPeer["websocket"];
  }

  subscribe(topic: string): void {
    topic = topicName(topic);
    if (this.topics.has(topic) || this.readyState > OPEN) return;
    this.topics.add(topic);
    this._hub.pubsub.subscribe(this, topic);
  }

  unsubscribe(topic: string): void {
    topic = topicName(topic);
    if (!this.topics.delete(topic)) return;
    this._hub.pubsub.unsubscribe(this, topic);
  }

  /**
   * @internal The peer is closing (close(), terminate()) or closed: it leaves
   * every topic now, so no publish counts it, as on Bun, whose connection
   * ends inside close(). `topics` still names them (as in crossws).
   */
  _leaveTopics(): void {
    for (const topic of this.topics) this._hub.pubsub.unsubscribe(this, topic);
  }

  /** Send to every subscriber of `topic` except this peer. */
  publish(topic: string, data: unknown, options?: PublishOptions): void {
    this._hub.pubsub.publish(topicName(topic), data, this, options);
  }

  /** crossws's adapter hook; the same as `publish` here. */
  _publish(topic: string, data: unknown, options?: { compress?: boolean }): void {
    this.publish(topic, data, options);
  }

  /** Resolve once `bufferedAmount` is at most `threshold`, or the peer closed. */
  waitForDrain(opts: { threshold?: number; pollInterval?: number; signal?: AbortSignal } = {}): Promise<void> {
    const threshold = opts.threshold ?? 0;
    if (this.bufferedAmount <= threshold || this.readyState > OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (opts.signal?.aborted) return (clearInterval(timer), reject(opts.signal.reason));
        if (this.bufferedAmount <= threshold || this.readyState > OPEN) (clearInterval(timer), resolve());
      }, opts.pollInterval ?? 20);
    });
  }

  toString(): string {
    return this.id;
  }

  [Symbol.toPrimitive](): string {
    return this.id;
  }
}
