/**
 * omniserve on Node.js, over `node:http`.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/node";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 * @module
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { listenError } from "../../src/_errors.ts";
import { badRequest, Handlers, internalError, respond } from "../../src/_handler.ts";
import { declaredTooLarge, tooLarge } from "../../src/_limit.ts";
import { logLine, logRequestError } from "../../src/_log.ts";
import { plainIp } from "../../src/_ip.ts";
import { formatUrl, resolveOptions, type ResolvedOptions } from "../../src/_options.ts";
import { WaitUntil } from "../../src/_wait.ts";
import type { ReloadOptions, Runtime, ServeOptions, Server, ServerContext } from "../../src/types.ts";
import { scanHead, headProblem } from "./_head.ts";
import { brokenBody, NodeRequest, type RequestSource } from "./_request.ts";
import { installFastResponse } from "./_response.ts";
import { send } from "./_send.ts";
import { NodeWebSockets } from "./_ws.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

installFastResponse();

class NodeContext implements ServerContext {
  readonly server: NodeServer;
  readonly #req: http.IncomingMessage;
  constructor(server: NodeServer, req: http.IncomingMessage) {
    this.server = server;
    this.#req = req;
  }
  get ip(): string {
    return plainIp(this.#req.socket.remoteAddress);
  }
  waitUntil(promise: Promise<unknown>): void {
    this.server._wait.add(promise);
  }
}

/** A running omniserve server on Node.js. */
export class NodeServer implements Server<http.Server | https.Server> {
  readonly runtime: Runtime = "node";
  readonly options: ServeOptions;
  readonly raw: http.Server | https.Server;
  /** @internal */
  readonly _wait: WaitUntil = new WaitUntil();
  readonly #handlers: Handlers;
  readonly #opts: ResolvedOptions;
  readonly #src: RequestSource;
  readonly #ready: Promise<NodeServer>;
  readonly #ws: NodeWebSockets | undefined;
  #closing = false;
  #address: AddressInfo | undefined;

  constructor(options: ServeOptions) {
    this.options = options;
    this.#opts = resolveOptions(options);
    this.#handlers = new Handlers(options);
    const tls = options.tls;
    this.#src = {
      protocol: tls ? "https" : "http",
      fallbackHost: `${this.#opts.hostname}:${this.#opts.port}`,
      maxBodySize: this.#opts.maxRequestBodySize,
    };
    const serverOptions: http.ServerOptions = {
      requireHostHeader: true,
      keepAliveTimeout: this.#opts.idleTimeout * 1000,
      noDelay: true,
    };
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => this.#onRequest(req, res);
    this.raw = tls
      ? https.createServer({ ...serverOptions, cert: tls.cert, key: tls.key }, onRequest)
      : http.createServer(serverOptions, onRequest);
    this.raw.on("clientError", onClientError);
    if (options.websocket) {
      const ws = this.#ws = new NodeWebSockets(options.websocket, (req, res) => this.#onRequest(req, res), this.#src.protocol);
      this.raw.on("upgrade", (req, socket, head) => ws.handle(req, socket, head));
    }
    this.#ready = new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(listenError(error, this.#opts));
      this.raw.once("error", onError);
      this.raw.listen(this.#opts.port, this.#opts.hostname, () => {
        this.raw.off("error", onError);
        this.#address = this.raw.address() as AddressInfo;
        this.#src.fallbackHost = new URL(this.url).host;
        resolve(this);
      });
    });
    this.#ready.catch(() => {}); // surfaced through ready()
  }

  get port(): number {
    return this.#address?.port ?? this.#opts.port;
  }

  get hostname(): string {
    return this.#address?.address ?? this.#opts.hostname;
  }

  get url(): string {
    return formatUrl(this.#src.protocol, this.hostname, this.port);
  }

  ready(): Promise<NodeServer> {
    return this.#ready;
  }

  reload(handlers: ReloadOptions): void {
    this.#handlers.reload(handlers);
  }

  publish(topic: string, data: string | ArrayBuffer | Uint8Array): number {
    return this.#ws?.hub.publish(topic, data) ?? 0;
  }

  subscriberCount(topic: string): number {
    return this.#ws?.hub.subscriberCount(topic) ?? 0;
  }

  async stop(closeActiveConnections = false): Promise<void> {
    this.#closing = true;
    this.#ws?.closeAll();
    const closed = new Promise<void>((resolve) => this.raw.close(() => resolve()));
    let sweep: ReturnType<typeof setInterval> | undefined;
    if (closeActiveConnections) this.raw.closeAllConnections();
    else {
      // Keep-alive sockets that finish their request after close() are idle too.
      this.raw.closeIdleConnections();
      sweep = setInterval(() => this.raw.closeIdleConnections(), 50);
    }
    await closed;
    if (sweep) clearInterval(sweep);
    await this._wait.settle();
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const head = scanHead(req.rawHeaders);
    const problem = headProblem(head, req.url!.charCodeAt(0) !== 47 /* / */);
    if (problem !== undefined) {
      logLine(`rejected a request from ${plainIp(req.socket.remoteAddress)}: 400 Bad Request (${problem})`);
      return this.#reply(req, res, badRequest(), true);
    }
    if (declaredTooLarge(head.contentLength, this.#opts.maxRequestBodySize)) {
      return this.#reply(req, res, tooLarge(), true);
    }
    const request = new NodeRequest(req, res, this.#src, head.host);
    respond(this.#handlers, request as unknown as Request, new NodeContext(this, req), (response) => {
      this.#reply(req, res, response, false, request);
    });
  }

  #reply(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    response: Response,
    close: boolean,
    request?: NodeRequest,
  ): void {
    if (brokenBody.has(res)) return; // answered 400 when the body broke
    if (request) response = request.limit.settle(response);
    try {
      const sent = send(res, response, req.method === "HEAD", close || this.#closing);
      if (sent) sent.catch((error) => abort(res, error));
    } catch (error) {
      // Invalid header names or values, say: a plain 500 if we still can.
      logRequestError(error, request as unknown as Request);
      if (res.headersSent) abort(res, error);
      else send(res, internalError(), false, true);
    }
  }
}

function abort(res: http.ServerResponse, error: unknown): void {
  logRequestError(error);
  res.destroy();
}

/** Malformed requests: answer like Bun and Deno do, one log line, keep serving. */
function onClientError(error: NodeJS.ErrnoException, socket: import("node:stream").Duplex): void {
  const code = error.code ?? "";
  // HPE_INVALID_EOF_STATE is a client that left mid-request: nobody to answer, nothing to log.
  const answerable = (code.startsWith("HPE_") && code !== "HPE_INVALID_EOF_STATE") || code === "ERR_HTTP_REQUEST_TIMEOUT";
  const inFlight = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (!answerable || !socket.writable) {
    socket.destroy(); // a reset or a socket error: nobody to answer
    return;
  }
  const status = code === "HPE_HEADER_OVERFLOW"
    ? "431 Request Header Fields Too Large"
    : code === "ERR_HTTP_REQUEST_TIMEOUT"
    ? "408 Request Timeout"
    : "400 Bad Request";
  logLine(`rejected a request from ${plainIp((socket as import("node:net").Socket).remoteAddress)}: ${status} (${code})`);
  if (inFlight) {
    // The head was fine and the handler runs; the body broke. Answer 400 now; the
    // handler's body read fails with ERR_MALFORMED_BODY and its response is dropped.
    if (inFlight.headersSent) {
      socket.destroy();
      return;
    }
    brokenBody.add(inFlight);
  }
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

/**
 * Start serving `options.fetch` on Node.js.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve/node";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * await server.stop();
 * ```
 */
export function serve(options: ServeOptions): NodeServer {
  return new NodeServer(options);
}
