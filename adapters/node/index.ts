/**
 * omniserve on Node.js, over `node:http`: a lazy Request over IncomingMessage
 * and a light Response written straight to the socket. Importing this module
 * changes nothing; starting a server installs the light Response as the
 * global `Response` unless `overrideGlobalObjects` is false.
 * @module
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import process from "node:process";
import { listenError, OmniserveError } from "../../src/_errors.ts";
import { badRequest, headersTooLarge, internalError, respond } from "../../src/_handler.ts";
import { declaredTooLarge, tooLarge } from "../../src/_limit.ts";
import { logRejected, logRequestError } from "../../src/_log.ts";
import { ServerBase } from "../../src/_server.ts";
import { openTransport } from "../../transports/index.ts";
import { checkPem } from "../../tls/check.ts";
import type { TlsEntry } from "../../src/_tls.ts";
import type { Runtime, ServeOptions, TLSInfo } from "../../src/types.ts";
import { headProblem, MAX_HEADER_FIELDS, scanHead } from "./_head.ts";
import { announcedBody, type Body, closeAfterEarly } from "./_linger.ts";
import { boundBody, HEAD_BOUND } from "./_slow.ts";
import { brokenBody, clientGone, installRequest, NodeRequest, type RequestSource } from "./_request.ts";
import { installFastResponse } from "./_response.ts";
import { inLine } from "./_pipeline.ts";
import { send } from "./_send.ts";
import { NodeTls, nodeTlsInfo } from "./_tls.ts";
import { NodeWebSockets } from "./_ws.ts";
import { NodeListeners, type NodeRaw } from "./_h2.ts";
import { abortResponse } from "./_response-head.ts";
import { nodeHasReusePort } from "./reuse-port.ts";

import { type Compress, makeCompress } from "../../src/compress/_compress.ts";
import { makeServeStatic, type ServeStatic } from "../../src/static/_serve-static.ts";
import { nodeCompressors } from "./_compressors.ts";
import { nodeFiles } from "./_files.ts";

export type * from "../../src/types.ts";
export { OmniserveError, type ErrorCode } from "../../src/_errors.ts";

/**
 * Compress a fetch handler's responses with `node:zlib` (see `compress` in the README).
 *
 * @example
 * ```ts
 * import { compress, serve } from "omniserve/node";
 * const server = serve({ port: 0, fetch: compress(() => new Response("x".repeat(4096))) });
 * await server.stop();
 * ```
 */
export const compress: Compress = makeCompress(nodeCompressors);

/**
 * Serve a folder; files go from a `node:fs` stream straight to the socket (see `serveStatic` in the README).
 *
 * @example
 * ```ts
 * import { serve, serveStatic } from "omniserve/node";
 * const server = serve({ port: 0, fetch: serveStatic({ root: "." }) });
 * await server.stop();
 * ```
 */
export const serveStatic: ServeStatic = makeServeStatic(nodeFiles);

/** A running omniserve server on Node.js. */
export class NodeServer extends ServerBase<NodeRaw, http.IncomingMessage> {
  readonly runtime: Runtime = "node";
  readonly raw: NodeRaw;
  readonly #listeners: NodeListeners;
  readonly #src: RequestSource;
  readonly #ws: NodeWebSockets | undefined;
  readonly #tls: NodeTls | undefined;
  #closing = false;
  #address: AddressInfo | undefined;

  constructor(options: ServeOptions) {
    super(options, { openTransport, checkPem, clientGone });
    installFastResponse(options.overrideGlobalObjects !== false);
    installRequest(options.overrideGlobalObjects !== false);
    const opts = this.resolved;
    const tls = this.#tls = opts.tls && new NodeTls(opts.tls);
    this.#src = {
      protocol: this.scheme,
      fallbackHost: `${opts.hostname}:${opts.port}`,
      maxBodySize: opts.maxRequestBodySize,
    };
    const serverOptions: http.ServerOptions = {
      requireHostHeader: true,
      keepAliveTimeout: opts.idleTimeout * 1000,
      noDelay: true,
      ...HEAD_BOUND,
    };
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => this.#onRequest(req, res);
    this.#listeners = new NodeListeners(opts, serverOptions, onRequest, tls?.serverOptions());
    this.raw = this.#listeners.raw;
    this.raw.on("clientError", onClientError);
    if (options.websocket) {
      const ws = this.#ws = new NodeWebSockets(options.websocket, (req, res) => this.#onRequest(req, res), this.scheme);
      this.attachHub(ws.hub);
      this.raw.on("upgrade", (req, socket, head) => ws.handle(req, socket, head));
    }
    this.listening = new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(listenError(error, opts));
      this.raw.once("error", onError);
      // `reusePort` reached node:net in Node 22.12 and 23.1; older versions would ignore it silently.
      if (opts.reusePort && !nodeHasReusePort()) {
        return reject(new OmniserveError("ERR_BAD_ARGUMENT", `reusePort needs Node 22.12 or later (this is ${process.version})`));
      }
      const where = { port: opts.port, host: opts.hostname, ...(opts.reusePort ? { reusePort: true } : {}) };
      this.raw.listen(where, () => {
        this.raw.off("error", onError);
        this.#address = this.raw.address() as AddressInfo;
        this.#src.fallbackHost = new URL(this.url).host;
        resolve();
      });
    });
    // No catch here: ready() handles a failure, and when nobody calls it the rejection is unhandled and
    // surfaces (ERR_PORT_IN_USE), as Deno and Bun throw it from serve().
  }

  get port(): number {
    return this.#address?.port ?? this.resolved.port;
  }

  get hostname(): string {
    return this.#address?.address ?? this.resolved.hostname;
  }

  /** @internal */
  _remoteAddress(req: http.IncomingMessage): string | undefined {
    return req.socket.remoteAddress;
  }

  /** @internal */
  _tlsInfo(req: http.IncomingMessage): TLSInfo | undefined {
    return this.#tls && nodeTlsInfo(req.socket as TLSSocket);
  }

  protected reloadTls(entries: TlsEntry[]): void {
    this.#tls!.reload(this.raw as import("node:tls").Server, entries);
  }

  protected override closeWebSockets(): void {
    this.#ws?.closeAll();
  }

  protected async shutdown(closeActiveConnections: boolean): Promise<void> {
    this.#closing = true;
    await this.#listeners.close(closeActiveConnections);
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const head = scanHead(req.rawHeaders);
    // Lingering close and the body-progress bound act on an HTTP/1.1 connection; an HTTP/2 stream's
    // end or reset is the stream's own (req.socket there is the whole session's).
    const body = req.httpVersionMajor === 2 ? 0 : announcedBody(head);
    if (req.rawHeaders.length > 2 * MAX_HEADER_FIELDS && req.httpVersionMajor !== 2) {
      logRejected(req.socket.remoteAddress, "431 Request Header Fields Too Large", `more than ${MAX_HEADER_FIELDS} header fields`);
      return this.#reply(req, res, headersTooLarge(), true, body);
    }
    const absoluteForm = req.url!.charCodeAt(0) !== 47 /* / */ && req.url !== "*";
    const problem = headProblem(head, absoluteForm, req.httpVersionMajor === 1 && req.httpVersionMinor === 0);
    if (problem !== undefined) {
      logRejected(req.socket.remoteAddress, "400 Bad Request", problem);
      refusedHead.add(res);
      return this.#reply(req, res, badRequest(), true, body);
    }
    if (declaredTooLarge(head.contentLength, this.resolved.maxRequestBodySize)) {
      return this.#reply(req, res, tooLarge(), true, body);
    }
    const start = () => {
      // Bounded from the start only: a pipelined body waiting its turn is not read, through no fault of the client.
      if (body !== 0) boundBody(req, this.resolved.idleTimeout * 1000);
      const request = new NodeRequest(req, res, this.#src, head.host);
      respond(this.handlers, request as unknown as Request, this.context(req), (response) => {
        this.#reply(req, res, response, false, body, request);
      });
    };
    if (req.httpVersionMajor === 2) start();
    else inLine(req, res, start);
  }

  #reply(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    response: Response,
    close: boolean,
    body: Body,
    request?: NodeRequest,
  ): void {
    if (brokenBody.has(res)) return; // answered 400 when the body broke
    close = closeAfterEarly(req, body, close); // the client may still be sending (see _linger.ts)
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
  abortResponse(res);
}

/** Malformed requests: answer like Bun and Deno do, one log line, keep serving. */
/** Responses to heads the adapter refused itself (headProblem): they go out whatever Node's parser says next. */
const refusedHead: WeakSet<http.ServerResponse> = new WeakSet();

function onClientError(error: NodeJS.ErrnoException, socket: import("node:stream").Duplex): void {
  const code = error.code ?? "";
  // HPE_INVALID_EOF_STATE is a client that left mid-request: nobody to answer, nothing to log. A head
  // that took too long (ERR_HTTP_REQUEST_TIMEOUT) is closed without a response, as Bun does (_slow.ts).
  const answerable = code.startsWith("HPE_") && code !== "HPE_INVALID_EOF_STATE";
  const inFlight = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage;
  // The adapter already answers this head 400 and closes (a Transfer-Encoding that does not end with
  // chunked, which Node's parser refuses right after the request event): let that answer finish.
  if (inFlight && refusedHead.has(inFlight)) return;
  if (!answerable || !socket.writable) {
    socket.destroy(); // a reset or a socket error: nobody to answer
    return;
  }
  const status = code === "HPE_HEADER_OVERFLOW"
    ? "431 Request Header Fields Too Large"
    : "400 Bad Request";
  logRejected((socket as import("node:net").Socket).remoteAddress, status, code);
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
 * Install omniserve's light Response as the global `Response` now (and, on
 * Node 24, the `Request` and `fetch` that accept the server's request), or with `false`
 * put the native ones back: what a server does when it starts,
 * unless `overrideGlobalObjects` is false. The CLI calls it before it loads
 * an app module, so libraries that capture `Response` at import (as
 * @hono/node-server does) capture this one.
 *
 * @example
 * ```ts
 * import { useGlobalResponse } from "omniserve/node";
 * useGlobalResponse();
 * ```
 */
export function useGlobalResponse(on = true): void {
  installFastResponse(on);
  installRequest(on);
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
