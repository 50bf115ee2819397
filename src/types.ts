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
  /** The TLS connection the request came on; undefined over plain HTTP. */
  readonly tls?: TLSInfo;
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

/** PEM text, or its bytes. */
export type PemInput = string | Uint8Array;

/**
 * TLS material (PEM text or bytes, not file paths), as `Bun.serve` and
 * `Deno.serve` take it. In an array (SNI), each entry names the host it
 * serves with `serverName`; the first entry is the default.
 */
export interface TLSOptions {
  /** Certificate chain, PEM. */
  cert: PemInput;
  /** Private key, PEM. */
  key: PemInput;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** Certificate authorities that sign the client certificates accepted with `requestCert`. */
  ca?: PemInput | PemInput[];
  /** Ask every client for a certificate signed by `ca` and refuse, in the handshake, one without. */
  requestCert?: boolean;
  /** For SNI: the host name (or `*.example.test` wildcard) this entry serves. */
  serverName?: string;
}

/** What a handler knows of a request's TLS connection: `ctx.tls`, set for HTTPS only. */
export interface TLSInfo {
  /** The protocol spoken on the connection: `"h2"` or `"http/1.1"`. */
  alpn: string;
  /** The host name the client asked for by SNI, if any. */
  serverName?: string;
  /** The verified client certificate, with `requestCert`. */
  peerCertificate?: PeerCertificate;
}

/** A verified client certificate, as the handler sees it. */
export interface PeerCertificate {
  /** Subject fields, for example `{ CN: "alice", O: "Example" }`. */
  subject: Record<string, string>;
  /** Issuer fields. */
  issuer: Record<string, string>;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** Validity, as the certificate states it. */
  validFrom: string;
  validTo: string;
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
 * code and 1006 for a dropped connection; after `peer.close()` it sees the
 * code and reason the server sent, whatever the client answers, and runs only
 * once `close()` (or `terminate()`) has returned.
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
  /** The peer's send buffer drained after the network refused bytes (Node and Bun; Deno never calls it). */
  drain?(peer: Peer): MaybePromise<void>;
  /** Largest message accepted, in bytes (default 16 MiB); larger closes with 1009. */
  maxPayloadLength?: number;
  /** Seconds without traffic before a ping, then close with 1001 if the peer stays silent (default 120; 0 turns it off). */
  idleTimeout?: number;
  /** Bytes buffered for one peer before it is closed with 1008 (default 16 MiB). Memory per peer stays bounded. */
  backpressureLimit?: number;
  /** Negotiate permessage-deflate and compress messages of 1 KiB or more (Node and Bun; Deno cannot). */
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
  /**
   * Serve HTTPS with this certificate and key, or with one entry per host
   * name (SNI, the first entry the default). Swap it at run time with
   * `server.reload({ tls })`.
   */
  tls?: TLSOptions | TLSOptions[];
  /**
   * Speak HTTP/2 (default true): with `tls`, ALPN offers `h2` and
   * `http/1.1` and each client gets what it asks for; without, cleartext
   * HTTP/2 with prior knowledge (h2c) is accepted on the same port as
   * HTTP/1.1. `false`: HTTP/1.1 only.
   */
  http2?: boolean;
  /** WebSocket hooks; requests with `Upgrade: websocket` go here when set. */
  websocket?: WebSocketOptions;
  /** Do not log errors (they still reach `error`). */
  silent?: boolean;
  /**
   * When the server starts, replace `globalThis.Response` with omniserve's
   * subclass (default true). On Node it is a light Response the server
   * writes without a stream (a large part of a small request's cost); on Bun
   * it puts the standard content-type into `response.headers` and HEAD
   * responses, and lets `util.inspect()` show a Request's and Headers' fields;
   * on Bun and Deno it lets compress() take a body given in memory without
   * reading a stream. `instanceof Response` holds for native and replaced
   * responses alike. With `false` the global stays native: Node then streams
   * every body (chunked, unless the app sets Content-Length), Bun's HEAD
   * responses to string bodies carry no content-type, and compress() reads
   * every body on Deno and Bun through its stream. On Node 24, whose
   * `Request` keeps its state in private fields, it also replaces `Request`
   * and `fetch` with ones that take the server's request in
   * `new Request(request)` and `fetch(request)` (with `false` those calls
   * throw there).
   * Importing omniserve never changes a global.
   */
  overrideGlobalObjects?: boolean;
  /**
   * Let several processes listen on the same port (Linux `SO_REUSEPORT`): the
   * kernel spreads new connections over them. What `omniserve serve
   * --workers N` uses on Deno, Bun and Node 22.12+ (older Node gets
   * `node:cluster` from the CLI instead; there this option is an error).
   */
  reusePort?: boolean;
  /**
   * Pub/sub across instances: every server given the same Redis (or Valkey)
   * shares its topics, whatever runtime it runs on. A URL string is the same
   * as `{ url }`. Default: the `OMNISERVE_PUBSUB` environment variable, else
   * none (pub/sub stays in this process).
   */
  pubsub?: string | PubSubOptions;
}

/**
 * Where instances meet for pub/sub.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "omniserve";
 * export default {
 *   fetch: () => new Response("chat"),
 *   pubsub: { url: "redis://127.0.0.1:6379/0", prefix: "omniserve:chat:" },
 *   websocket: { open: (peer) => peer.subscribe("room") },
 * } satisfies ServeOptions;
 * ```
 */
export interface PubSubOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Channel name prefix, so apps can share one Redis (default `omniserve:app:`); topic `t` travels on `<prefix>t`. */
  prefix?: string;
}

/**
 * Counters of a server's pub/sub across instances. Under `omniserve serve
 * --workers N` a worker's counters describe its link to the supervisor, which
 * holds the machine's one link to Redis and logs its outages.
 */
export interface PubSubStats {
  /** True while the transport is connected. */
  connected: boolean;
  /** Messages this instance published (delivered locally and handed to the transport). */
  published: number;
  /** Messages from other instances delivered to this instance's subscribers. */
  delivered: number;
  /** Messages that could not be handed to the transport (it was down): never delivered elsewhere. */
  dropped: number;
  /** Messages on a shared channel that were not omniserve's (or another wire version): dropped. */
  malformed: number;
  /** Times the transport came back after losing its connection. */
  reconnects: number;
}

/** Options of `publish`, as crossws and Bun take them. */
export interface PublishOptions {
  /** Compress where permessage-deflate was negotiated; default: messages of 1 KiB or more. */
  compress?: boolean;
}

/** What `reload()` can swap without dropping connections. */
export interface ReloadOptions {
  fetch?: FetchHandler;
  error?: ErrorHandler;
  /** New certificates: new connections get them at once, open ones keep theirs. */
  tls?: TLSOptions | TLSOptions[];
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
  /** Swap `fetch`, `error` and/or `tls` for new requests and connections without dropping open ones. */
  reload(handlers: ReloadOptions): void;
  /**
   * Send to every WebSocket subscribed to `topic`, on every instance when
   * `pubsub` is set. Returns how many of this instance's subscribers it was
   * sent to (the same count on every runtime); strings go as text, bytes as
   * binary.
   */
  publish(topic: string, data: string | ArrayBuffer | Uint8Array, options?: PublishOptions): number;
  /** How many WebSockets of this server (this instance) are subscribed to `topic`. */
  subscriberCount(topic: string): number;
  /** Which worker of `omniserve serve --workers N` this is, 0 to N-1 (0 in a single process). */
  readonly worker: number;
  /** Counters of pub/sub across instances, when `pubsub` is set. */
  readonly pubsub: Readonly<PubSubStats> | undefined;
}

/** A content coding omniserve can produce (RFC 9110 8.4.1): Brotli, gzip, Zstandard. */
export type Encoding = "br" | "gzip" | "zstd";

/**
 * Options of `compress()`.
 *
 * @example
 * ```ts
 * import { compress, type ServeOptions } from "omniserve";
 * export default {
 *   fetch: compress(() => Response.json({ big: "x".repeat(4096) }), { encodings: ["gzip"], threshold: 512 }),
 * } satisfies ServeOptions;
 * ```
 */
export interface CompressOptions {
  /**
   * The server's preference, best first, among codings the client accepts
   * with the same q-value (default `["br", "zstd", "gzip"]`). A coding the
   * runtime cannot produce is left out (zstd needs Node 22.15+; Deno and Bun
   * have it).
   */
  encodings?: readonly Encoding[];
  /** Bodies known to be shorter than this many bytes go out as they are (default 1024). */
  threshold?: number;
}

/**
 * A fetch handler that may be called with or without the server context
 * (what `serveStatic()` returns). It answers at once when it can (a file
 * lookup is synchronous), so the result is a Response or a Promise of one:
 * `await` it.
 */
export type StaticHandler = (request: Request, ctx?: ServerContext) => MaybePromise<Response>;

/**
 * Options of `serveStatic()`.
 *
 * @example
 * ```ts
 * import { serveStatic, type ServeOptions } from "omniserve";
 * export default {
 *   fetch: serveStatic({ root: "public", maxAge: 3600, precompressed: true }),
 * } satisfies ServeOptions;
 * ```
 */
export interface StaticOptions {
  /** The folder to serve, absolute or relative to the working directory. It must exist (else `ERR_STATIC_ROOT` at once). */
  root: string;
  /** The file served for a folder's URL, `/dir/` (default `"index.html"`; `false`: none). A folder is never listed. */
  index?: string | false;
  /** Send a strong ETag built from size and modification time, and answer If-None-Match and If-Range with it (default true). */
  etag?: boolean;
  /** Send Last-Modified and answer If-Modified-Since (default true). */
  lastModified?: boolean;
  /** Seconds a cache may keep a file: `Cache-Control: public, max-age=N` (default 0). */
  maxAge?: number;
  /** Add `immutable` to Cache-Control, for file names that change with their content (default false). */
  immutable?: boolean;
  /**
   * Serve `file.br`, `file.zst` or `file.gz` instead of `file` when the
   * client accepts that coding: `true` for the order br, zstd, gzip, or the
   * order to try (default false: no sibling is looked for).
   */
  precompressed?: boolean | readonly Encoding[];
  /**
   * Names starting with a dot: `"deny"` answers 403 (default), `"ignore"`
   * treats them as missing (404, or `fallthrough`), `"allow"` serves them.
   */
  dotfiles?: "deny" | "ignore" | "allow";
  /**
   * Called for a request that matches no file (and for methods other than
   * GET and HEAD), instead of answering 404 (405). A refused path (403) never
   * falls through.
   */
  fallthrough?: (request: Request, ctx?: ServerContext) => MaybePromise<Response>;
}
