/**
 * The few Deno host types omniserve uses (this adapter and the bench's raw
 * control server), written by hand so shared code never needs Deno's type
 * library.
 * @module
 */

export interface DenoAddr {
  hostname: string;
  port: number;
  transport: string;
}

export interface DenoServeInfo {
  remoteAddr: DenoAddr;
  completed?: Promise<void>;
}

export interface DenoServeOptions {
  port: number;
  hostname?: string;
  reusePort?: boolean;
  cert?: string;
  key?: string;
  handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>;
  onListen?: (addr: DenoAddr) => void;
  onError?: (error: unknown) => Response | Promise<Response>;
}

export interface DenoHttpServer {
  readonly addr: DenoAddr;
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

export interface DenoNamespace {
  serve(options: DenoServeOptions): DenoHttpServer;
  upgradeWebSocket(request: Request, options?: { protocol?: string; idleTimeout?: number }): {
    socket: WebSocket;
    response: Response;
  };
}

/** `globalThis.Deno`, typed. Only call on Deno. */
export function deno(): DenoNamespace {
  return (globalThis as unknown as { Deno: DenoNamespace }).Deno;
}
