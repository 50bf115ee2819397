/**
 * The public surface of omniserve, declared once. Every adapter implements
 * these types; nothing in this file knows which runtime it runs on.
 *
 * @module
 */

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

/** TLS material, as PEM strings (not paths). */
export interface TLSOptions {
  cert: string;
  key: string;
  passphrase?: string;
}

/**
 * WebSocket hooks in the crossws style plus limits. See `omniserve` docs for
 * the close-code and back-pressure policy.
 */
export interface WebSocketOptions {
  upgrade?: (request: Request) => MaybePromise<
    Response | {
      headers?: HeadersInit;
      context?: Record<string, unknown>;
      protocol?: string;
    } | void
  >;
  open?: (peer: any) => MaybePromise<void>;
  message?: (peer: any, message: any) => MaybePromise<void>;
  close?: (peer: any, details: { code?: number; reason?: string }) => MaybePromise<void>;
  error?: (peer: any, error: unknown) => MaybePromise<void>;
  drain?: (peer: any) => MaybePromise<void>;
  /** Largest message accepted, in bytes (default 16 MiB); larger closes with 1009. */
  maxPayloadLength?: number;
  /** Seconds without traffic before a ping, then close (default 120). */
  idleTimeout?: number;
  /** Bytes buffered for one peer before the back-pressure policy applies (default 16 MiB). */
  backpressureLimit?: number;
  /** Compress messages with permessage-deflate where the runtime supports it. */
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
  /** Serve HTTPS with this certificate. */
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
