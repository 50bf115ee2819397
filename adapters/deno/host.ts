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
  /** Deno.serve compresses some responses by itself unless this is false. */
  automaticCompression?: boolean;
}

export interface DenoHttpServer {
  readonly addr: DenoAddr;
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** What `Deno.stat` returns, as far as omniserve reads it. */
export interface DenoFileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  size: number;
  mtime: Date | null;
}

/** An open file (`Deno.FsFile`). */
export interface DenoFsFile {
  /** The rest of the file; the file closes when it ends or is cancelled. */
  readonly readable: ReadableStream<Uint8Array>;
  read(buffer: Uint8Array): Promise<number | null>;
  seekSync(offset: number, whence: 0): number;
  /** The open file's stat (fstat). */
  statSync(): DenoFileInfo;
  close(): void;
}

export interface DenoNamespace {
  realPathSync(path: string): string;
  statSync(path: string): DenoFileInfo;
  lstatSync(path: string): DenoFileInfo;
  open(path: string): Promise<DenoFsFile>;
  openSync(path: string): DenoFsFile;
  serve(options: DenoServeOptions): DenoHttpServer;
  /** A TCP listener; omniserve only binds one to see that a port is free. */
  listen(options: { hostname: string; port: number }): { close(): void };
  upgradeWebSocket(request: Request, options?: { protocol?: string; idleTimeout?: number }): {
    socket: WebSocket;
    response: Response;
  };
}

/** `globalThis.Deno`, typed. Only call on Deno. */
export function deno(): DenoNamespace {
  return (globalThis as unknown as { Deno: DenoNamespace }).Deno;
}
