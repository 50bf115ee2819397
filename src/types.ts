/**
 * The public surface of omniserve, declared once. Every adapter implements
 * these types; nothing in this file knows which runtime it runs on.
 *
 * @module
 */
import type { Message as CrosswsMessage, Peer as CrosswsPeer } from "crossws";

/** The runtimes omniserve serves on. */
export type Runtime = "node" | "deno" | "bun";

/** Anything a handler may return: a Response, now or later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The second argument of `fetch`: per-request facts the Request cannot carry.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "omniserve";
 * export default {
 *   fetch: (_req, ctx) => new Response(`you are ${ctx.ip}`),
 * } satisfies ServeOptions;
 * ```
 */
export interface ServerContext {
  /** The running server. */
  readonly server: Server;
  /** The client address as a plain string; IPv4-mapped IPv6 is shown as IPv4. */
  readonly ip: string;
  /** Keep work alive after the response is sent; `stop()` waits for it. */
  waitUntil(promise: Promise<unknown>): void;
}

/** The request handler, as with `Bun.serve` and `Deno.serve`. */
export type FetchHandler = (
  request: Request,
  ctx: ServerContext,
) => MaybePromise<Response>;

/** Turns an error thrown by `fetch` into a Response. */
export type ErrorHandler = (
  error: unknown,
  request: Request,
) => MaybePromise<Response>;

/** A connected WebSocket, in crossws's `Peer` shape (the same on every runtime). */
export type Peer = CrosswsPeer;

/** A received WebSocket message, in crossws's `Message` shape: text as a string, binary as a Uint8Array. */
export type Message = CrosswsMessage;

/** What the `upgrade` hook may return to accept: headers for the 101 response, the peer's context, the subprotocol. */
export interface UpgradeAcceptance {
  headers?: HeadersInit;
  context?: Record<string, unknown>;
  protocol?: string;
}

/** TLS material as PEM text (not file paths), as `Bun.serve` and `Deno.serve` take it. */
export interface TLSOptions {
  /** Certificate chain, PEM. */
  cert: string;
  /** Private key, PEM, unencrypted (Deno.serve cannot take a passphrase). */
  key: string;
}

/**
 * WebSocket hooks in the crossws style, plus limits. A request with
 * `Upgrade: websocket` goes here when this is set, otherwise to `fetch`.
 *
 * Close codes omniserve sends: 1000 `peer.close()` default, 1001 server
 * stopping or idle past `idleTimeout`, 1002 protocol error (unmasked frame,
 * reserved bits, bad opcode or close code), 1007 invalid UTF-8 text,
 * 1008 send buffer past `backpressureLimit`, 1009 message over
 * `maxPayloadLength`. The close hook sees 1005 for a close frame without a
 * code and 1006 for a dropped connection.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "omniserve";
 * export default {
 *   fetch: () => new Response("not a websocket", { status: 426 }),
 *   websocket: {
 *     open(peer) { peer.subscribe("chat"); },
 *     message(peer, message) { peer.publish("chat", message.text()); },
 *   },
 * } satisfies ServeOptions;
 * ```
 */
export interface WebSocketOptions {
  /**
   * Return a Response to refuse (it reaches the client as is), or headers, context and protocol to accept.
   * Throwing a Response, or an object with a `response` (as crossws allows), refuses too. The 101 names a
   * subprotocol only when `protocol` (or a `sec-websocket-protocol` header) picks one the client offered.
   */
  upgrade?(request: Request): MaybePromise<Response | UpgradeAcceptance | void>;
  open?(peer: Peer): MaybePromise<void>;
  message?(peer: Peer, message: Message): MaybePromise<void>;
  close?(peer: Peer, details: { code?: number; reason?: string }): MaybePromise<void>;
  /** A hook threw or rejected. */
  error?(peer: Peer, error: unknown): MaybePromise<void>;
  /** The peer's send buffer drained after back-pressure (Node and Bun). */
  drain?(peer: Peer): MaybePromise<void>;
  /** Largest message accepted, in bytes (default 16 MiB); larger closes with 1009. */
  maxPayloadLength?: number;
  /** Seconds without traffic before a ping, then close with 1001 if the peer stays silent (default 120; 0 turns it off). */
  idleTimeout?: number;
  /** Bytes buffered for one peer before it is closed with 1008 (default 16 MiB). Memory per peer stays bounded. */
  backpressureLimit?: number;
  /** Compress messages with permessage-deflate where the runtime supports it (Bun). */
  perMessageDeflate?: boolean;
}

/**
 * What an app module exports by default, and what `serve()` takes.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "omniserve";
 * export default {
 *   fetch: (req) => new Response(`hello from ${new URL(req.url).pathname}`),
 * } satisfies ServeOptions;
 * ```
 */
export interface ServeOptions {
  /** Handles every HTTP request. */
  fetch: FetchHandler;
  /** Turns a thrown error into a Response; without it the client gets a plain 500. */
  error?: ErrorHandler;
  /** Port to listen on; 0 picks a free one. Default: `PORT` env, else 3000. */
  port?: number | string;
  /** Address to bind. Default `127.0.0.1`; pass `0.0.0.0` to be reachable from other hosts. */
  hostname?: string;
  /** Largest request body in bytes (default 128 MiB); larger gets 413. */
  maxRequestBodySize?: number;
  /** Seconds an idle keep-alive connection is kept open (default 10). */
  idleTimeout?: number;
  /** Serve HTTPS with this certificate and key. */
  tls?: TLSOptions;
  /** WebSocket hooks; requests with `Upgrade: websocket` go here when set. */
  websocket?: WebSocketOptions;
  /** Do not log errors (they still reach `error`). */
  silent?: boolean;
}

/** The handlers `reload()` can swap without dropping connections. */
export interface ReloadOptions {
  fetch?: FetchHandler;
  error?: ErrorHandler;
}

/**
 * A running server. Every adapter returns one of these.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * console.log(server.url);
 * await server.stop();
 * ```
 */
export interface Server<Raw = unknown> {
  /** Which runtime serves. */
  readonly runtime: Runtime;
  /** `http://host:port/` once listening. */
  readonly url: string;
  /** The bound port once listening (the requested one before). */
  readonly port: number;
  /** The bound address. */
  readonly hostname: string;
  /** The options the server was started with. */
  readonly options: ServeOptions;
  /** The runtime's own server object. */
  readonly raw: Raw;
  /** Resolves once the server accepts connections; rejects if it cannot listen. */
  ready(): Promise<Server<Raw>>;
  /**
   * Stop accepting connections and let in-flight requests finish, then resolve.
   * With `closeActiveConnections`, drop every connection now.
   */
  stop(closeActiveConnections?: boolean): Promise<void>;
  /** Swap `fetch` and/or `error` for new requests without dropping connections. */
  reload(handlers: ReloadOptions): void;
  /** Send to every WebSocket subscribed to `topic`; returns how many got it. */
  publish(topic: string, data: string | ArrayBuffer | Uint8Array): number;
  /** How many WebSockets are subscribed to `topic`. */
  subscriberCount(topic: string): number;
}

/** `serve()` as each adapter exports it. */
export type Serve<Raw = unknown> = (options: ServeOptions) => Server<Raw>;
