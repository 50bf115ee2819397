/**
 * The few Bun host types omniserve uses (this adapter and the bench's raw
 * control server), written by hand so shared code never needs `bun-types`.
 * @module
 */

export interface BunServer {
  readonly port: number;
  readonly hostname: string;
  /** The address bound (Bun 1.1.x and later; undefined on a Unix socket). */
  readonly address?: { address: string; family: string; port: number };
  readonly url: URL;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  reload(options: Partial<BunServeOptions>): void;
  requestIP(request: Request): { address: string; family: string; port: number } | null;
  upgrade(request: Request, options?: { headers?: HeadersInit; data?: unknown }): boolean;
  publish(topic: string, data: string | ArrayBuffer | Uint8Array, compress?: boolean): number;
  subscriberCount(topic: string): number;
}

/** One entry of `Bun.serve`'s `tls` (an array of them picks by `serverName`, the first the default). */
export interface BunTlsOptions {
  cert: string;
  key: string;
  passphrase?: string;
  ca?: string[];
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  serverName?: string;
}

export interface BunServeOptions {
  port: number;
  hostname: string;
  reusePort?: boolean;
  maxRequestBodySize?: number;
  idleTimeout?: number;
  development?: boolean;
  tls?: BunTlsOptions | BunTlsOptions[];
  /** HTTP/2: h2 by ALPN with `tls`, h2c by prior knowledge without (Bun 1.4). */
  http2?: boolean;
  fetch: (request: Request, server: BunServer) => Response | Promise<Response | undefined> | undefined;
  error?: (error: Error) => Response | Promise<Response>;
  websocket?: BunWebSocketHandler<any>;
}

export interface BunNamespace {
  serve(options: BunServeOptions): BunServer;
  /** A TCP listener; omniserve only binds one to see that a port is free. */
  listen(options: { hostname: string; port: number; socket: { data(): void } }): { stop(closeActiveConnections?: boolean): void };
  /** A lazy file; as a Response body Bun sends it with sendfile(2). */
  file(path: string): Blob;
  zstdCompress(data: Uint8Array, options?: { level?: number }): Promise<Uint8Array>;
  zstdCompressSync(data: Uint8Array, options?: { level?: number }): Uint8Array;
}

/** `globalThis.Bun`, typed. Only call on Bun. */
export function bun(): BunNamespace {
  return (globalThis as unknown as { Bun: BunNamespace }).Bun;
}

/** The socket Bun passes to websocket handlers (`ServerWebSocket`). */
export interface BunServerWebSocket<T> {
  readonly data: T;
  readonly readyState: number;
  send(data: string | Uint8Array, compress?: boolean): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(data?: string | Uint8Array): number;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data: string | Uint8Array, compress?: boolean): number;
  getBufferedAmount(): number;
}

/** The `websocket` option of `Bun.serve`. */
export interface BunWebSocketHandler<T> {
  open?(ws: BunServerWebSocket<T>): void;
  message(ws: BunServerWebSocket<T>, message: string | Uint8Array): void;
  close?(ws: BunServerWebSocket<T>, code: number, reason: string): void;
  drain?(ws: BunServerWebSocket<T>): void;
  ping?(ws: BunServerWebSocket<T>, data: Uint8Array): void;
  pong?(ws: BunServerWebSocket<T>, data: Uint8Array): void;
  maxPayloadLength?: number;
  idleTimeout?: number;
  backpressureLimit?: number;
  closeOnBackpressureLimit?: boolean;
  perMessageDeflate?: boolean;
  publishToSelf?: boolean;
  sendPings?: boolean;
}
