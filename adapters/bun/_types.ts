/**
 * The few Bun host types this adapter uses, written by hand so shared code
 * never needs `bun-types`.
 * @module
 */

export interface BunServer {
  readonly port: number;
  readonly hostname: string;
  readonly url: URL;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  reload(options: Partial<BunServeOptions>): void;
  requestIP(request: Request): { address: string; family: string; port: number } | null;
  upgrade(request: Request, options?: { headers?: HeadersInit; data?: unknown }): boolean;
  publish(topic: string, data: string | ArrayBuffer | Uint8Array, compress?: boolean): number;
  subscriberCount(topic: string): number;
}

export interface BunServeOptions {
  port: number;
  hostname: string;
  maxRequestBodySize: number;
  idleTimeout: number;
  development?: boolean;
  tls?: { cert: string; key: string; passphrase?: string };
  fetch: (request: Request, server: BunServer) => Response | Promise<Response> | undefined;
  error?: (error: Error) => Response | Promise<Response>;
  websocket?: unknown;
}

export interface BunNamespace {
  serve(options: BunServeOptions): BunServer;
}

/** `globalThis.Bun`, typed. Only call on Bun. */
export function bun(): BunNamespace {
  return (globalThis as unknown as { Bun: BunNamespace }).Bun;
}
