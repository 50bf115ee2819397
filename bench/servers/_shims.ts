/**
 * The few Deno and Bun host APIs the raw control servers use, hand-written so
 * this folder type-checks under Node's types.
 * @module
 */

export interface DenoSocket {
  readyState: number;
  send(data: string | ArrayBuffer): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null;
  onclose: (() => void) | null;
}

export interface DenoHost {
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
  upgradeWebSocket(request: Request): { socket: DenoSocket; response: Response };
}

export interface BunSocket {
  subscribe(topic: string): void;
  publish(topic: string, data: string | ArrayBuffer | Uint8Array): number;
}

export interface BunHost {
  serve(options: {
    port: number;
    hostname: string;
    fetch(request: Request, server: { upgrade(request: Request): boolean }): Response | Promise<Response> | undefined;
    websocket?: {
      open?(ws: BunSocket): void;
      message(ws: BunSocket, message: string | Uint8Array): void;
    };
  }): { port: number };
}

/** `Deno` on Deno. */
export const deno = (): DenoHost => (globalThis as unknown as { Deno: DenoHost }).Deno;
/** `Bun` on Bun. */
export const bun = (): BunHost => (globalThis as unknown as { Bun: BunHost }).Bun;
