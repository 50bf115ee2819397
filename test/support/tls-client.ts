/**
 * TLS clients for the TLS feature cases: a kept-open HTTP/1.1 connection over
 * `node:tls` (SNI name, client certificate, the server certificate it got) and
 * `openssl s_client`, the reference client.
 */
import { spawn } from "node:child_process";
import tls from "node:tls";
import { parseResponses, type RawResponse } from "./http-client.ts";

export interface TlsClientOptions {
  /** CA to trust: the test CA. */
  ca: string;
  /** SNI name to send; none by default (127.0.0.1 is not a name). */
  servername?: string;
  /** Client certificate and key (PEM text). */
  cert?: string;
  key?: string;
}

/** One TLS connection, kept open, for HTTP/1.1 requests one after another. */
export class TlsConnection {
  readonly socket: tls.TLSSocket;
  #data = Buffer.alloc(0);
  #ended: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
      this.#wake?.();
    });
    const end = (error?: Error) => {
      this.#ended ??= error ?? new Error("connection closed");
      this.#wake?.();
    };
    socket.on("error", end);
    socket.on("close", () => end());
  }

  /** Connect and finish the handshake; rejects when the server refuses it. */
  static open(port: number, options: TlsClientOptions): Promise<TlsConnection> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: "127.0.0.1",
        port,
        ca: options.ca,
        ...(options.servername ? { servername: options.servername } : {}),
        ...(options.cert ? { cert: options.cert, key: options.key } : {}),
        // The certificate's name is checked by the cases (CN), not by the client.
        checkServerIdentity: () => undefined,
        ALPNProtocols: ["http/1.1"],
      });
      socket.once("error", reject);
      socket.once("secureConnect", () => {
        socket.off("error", reject);
        resolve(new TlsConnection(socket));
      });
    });
  }

  /** The common name of the certificate the server sent. */
  get serverCN(): string {
    return this.socket.getPeerCertificate().subject.CN as string;
  }

  /** Send a request and wait for its whole response; rejects if the connection ends first. */
  async request(path: string, method = "GET"): Promise<RawResponse> {
    this.#data = Buffer.alloc(0);
    if (this.#ended) throw this.#ended;
    this.socket.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`);
    for (;;) {
      const [response] = parseResponses(this.#data);
      if (response?.complete) return response;
      if (this.#ended) throw this.#ended;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Open a connection, make one request, close; the response and the server's certificate name. */
export async function once(port: number, path: string, options: TlsClientOptions, method = "GET"): Promise<{ response: RawResponse; serverCN: string }> {
  const connection = await TlsConnection.open(port, options);
  try {
    return { response: await connection.request(path, method), serverCN: connection.serverCN };
  } finally {
    connection.close();
  }
}

/** `openssl s_client` to `port` with `args`, `input` then stdin closed; its stdout and stderr. */
export function sClient(port: number, args: string[], input = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", () => resolve(out));
    child.stdin.end(input);
  });
}

/** The subject CN of the certificate `openssl s_client` printed. */
export function sClientCN(output: string): string | undefined {
  return /^subject=.*CN ?= ?([^,\n]+)/m.exec(output)?.[1]?.trim();
}
