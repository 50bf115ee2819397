/**
 * The listening servers of the Node adapter: `node:http` or `node:https` for
 * HTTP/1.1 only, `node:http2` with `allowHTTP1` for TLS (ALPN gives each
 * client h2 or http/1.1 on one port), and for plain HTTP an `http.Server`
 * whose connections that open with the HTTP/2 preface go to an unbound
 * `http2` server (h2c, see _h2c.ts). Every request, HTTP/1.1 or HTTP/2,
 * reaches the same `onRequest`: Node's HTTP/2 compatibility API gives
 * requests and responses the shape of `node:http`'s.
 * @module
 */
import http from "node:http";
import https from "node:https";
import http2, { type Http2ServerRequest } from "node:http2";
import type { TlsOptions } from "node:tls";
import type { ResolvedOptions } from "../../src/_options.ts";
import { logRejected } from "../../src/_log.ts";
import { sniffH2c } from "./_h2c.ts";
import { boundStreamBody, HANDSHAKE_BOUND } from "./_slow.ts";

/** What the adapter listens with: an HTTP/1.1 server, or an HTTP/2 one that also speaks HTTP/1.1. */
export type NodeRaw = http.Server | https.Server | http2.Http2SecureServer;

export type OnRequest = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * SETTINGS the server sends. 100 concurrent streams per connection, as nghttp2
 * and most servers advise (Node's default is unlimited): a client that opens
 * more gets RST_STREAM (REFUSED_STREAM) for the extra streams, and one
 * connection cannot hold unbounded handler work.
 */
const SETTINGS: http2.Settings = { maxConcurrentStreams: 100 };

/**
 * nghttp2's bound on a request's header entries, lifted from Node's 128 (past which it resets the stream with
 * ENHANCE_YOUR_CALM) so that {@link MAX_H2_HEADER_ENTRIES} answers first; the 16 KiB list bound still holds the
 * count to about 500 (32 bytes per entry).
 */
const MAX_HEADER_LIST_PAIRS = 2048;

/** The servers of one adapter instance and the HTTP/2 sessions they hold open. */
export class NodeListeners {
  readonly raw: NodeRaw;
  /** The HTTP/2 server (the raw one with TLS; an unbound one for h2c); undefined with `http2: false`. */
  readonly h2: http2.Http2Server | http2.Http2SecureServer | undefined;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  readonly #dropUndecided: (() => void) | undefined;

  /** `tls`: the secure-context options of _tls.ts (certificates, SNI, client certificates), with `opts.tls`. */
  constructor(opts: ResolvedOptions, h1: http.ServerOptions, onRequest: OnRequest, tls?: TlsOptions) {
    const idleMs = opts.idleTimeout * 1000;
    const onH2Request = h2Request(onRequest, idleMs);
    if (tls && opts.http2) {
      const raw = http2.createSecureServer(
        { allowHTTP1: true, ...tls, ...HANDSHAKE_BOUND, settings: SETTINGS, maxHeaderListPairs: MAX_HEADER_LIST_PAIRS, noDelay: true } as http2.SecureServerOptions,
        onH2Request as never,
      );
      // node:http reads these from its server; an Http2SecureServer is not built with them.
      Object.assign(raw, { keepAliveTimeout: h1.keepAliveTimeout, requireHostHeader: true });
      this.raw = this.h2 = raw;
    } else if (tls) {
      this.raw = https.createServer({ ...h1, ...tls, ...HANDSHAKE_BOUND }, onRequest);
    } else {
      this.raw = http.createServer(h1, onRequest);
      if (opts.http2) {
        this.h2 = http2.createServer({ settings: SETTINGS, maxHeaderListPairs: MAX_HEADER_LIST_PAIRS }, onH2Request as never);
        this.#dropUndecided = sniffH2c(this.raw, this.h2, idleMs);
      }
    }
    // Every field reaches the adapter, which answers 431 past MAX_HEADER_FIELDS (Node's own bound drops them silently).
    (this.raw as http.Server).maxHeadersCount = 0;
    this.h2?.on("session", (session: http2.ServerHttp2Session) => {
      this.#sessions.add(session);
      session.once("close", () => this.#sessions.delete(session));
      // Idle as long as idleTimeout: GOAWAY, then the streams still open finish.
      session.setTimeout(idleMs, () => session.close());
    });
  }

  /** Stop accepting; resolves when every connection is closed. */
  close(closeActiveConnections: boolean): Promise<void> {
    // http.Server's own methods: they work on the connections node:http tracks, which an
    // Http2SecureServer with allowHTTP1 tracks too (it has closeIdleConnections, not closeAllConnections).
    const raw = this.raw as http.Server;
    const { closeAllConnections, closeIdleConnections } = http.Server.prototype;
    const closed = new Promise<void>((resolve) => raw.close(() => resolve()));
    this.#dropUndecided?.();
    // HTTP/2: GOAWAY now; close() lets open streams finish, destroy() drops them.
    for (const session of this.#sessions) {
      if (closeActiveConnections) session.destroy();
      else session.close();
    }
    let sweep: ReturnType<typeof setInterval> | undefined;
    if (closeActiveConnections) {
      closeAllConnections.call(raw);
    } else {
      // Keep-alive sockets that finish their request after close() are idle too.
      closeIdleConnections.call(raw);
      sweep = setInterval(() => closeIdleConnections.call(raw), 50);
    }
    return closed.finally(() => sweep && clearInterval(sweep));
  }
}

/**
 * Request header lists over 16 KiB (RFC 7541 4.1 sizes: name, value and 32
 * bytes each) get 431, as HTTP/1.1 heads over 16 KiB do and as Deno and Bun
 * answer over HTTP/2; nghttp2 itself only refuses lists past 64 KiB.
 */
const MAX_HEADER_LIST = 16 * 1024;

/**
 * The most header entries an HTTP/2 request may carry, its pseudo-header fields included, as Bun answers
 * (measured on 1.4.5: 196 fields and the 4 pseudo-header fields served, one more gets 431); the HTTP/1.1
 * bound is _head.ts's MAX_HEADER_FIELDS.
 */
const MAX_H2_HEADER_ENTRIES = 200;

/**
 * HTTP/2 requests before the shared handler: the header-list limit; a
 * stream the client resets mid-body, which ends the compatibility request as
 * if the body were complete, made to fail instead (as a dropped HTTP/1.1
 * connection does), so a handler never takes a cut body for a whole one; the
 * body-progress bound of _slow.ts; and an early response (see {@link endEarly}).
 */
function h2Request(onRequest: OnRequest, idleMs: number): OnRequest {
  return (req, res) => {
    if (req.httpVersionMajor === 2) {
      const tooMany = req.rawHeaders.length > 2 * MAX_H2_HEADER_ENTRIES;
      if (tooMany || headerListSize(req.rawHeaders) > MAX_HEADER_LIST) {
        const what = tooMany ? `more than ${MAX_H2_HEADER_ENTRIES} HTTP/2 header entries` : "HTTP/2 header list";
        logRejected(req.socket.remoteAddress, "431 Request Header Fields Too Large", what);
        res.writeHead(431, ["content-length", "0"]);
        res.end();
        return;
      }
      const stream = (req as unknown as Http2ServerRequest).stream;
      // With END_STREAM on the headers there is no body to cut: no listener for it.
      if (!stream.endAfterHeaders) {
        // Shared listeners, no closures: what a request holds lives as long as its upload (see bench/README.md).
        req.once("aborted", onAborted);
        boundStreamBody(req as unknown as Http2ServerRequest, idleMs);
        // The stream's own finish (the compatibility response's comes only at close), then Node's own ending.
        stream.once("finish", onStreamFinish);
      }
    }
    onRequest(req, res);
  };
}

function headerListSize(raw: string[]): number {
  let size = 16 * raw.length; // 32 per field, two entries per field
  for (let i = 0; i < raw.length; i++) size += raw[i].length;
  return size;
}

/**
 * A response sent before the request body arrived in full (a 413, or a
 * handler that answers without reading): once it is written, RST_STREAM with
 * NO_ERROR tells the client to stop sending (RFC 9113 8.1), as Deno and Bun
 * do; the connection's other streams go on. Node does it itself only for a
 * stream nobody read from; after a body read in part (a 413 at the limit),
 * the client would wait on flow control for ever.
 */
function endEarly(stream: http2.ServerHttp2Stream): void {
  // remoteClose: the client sent its END_STREAM (the body arrived whole, read or not): nothing to stop.
  if (!stream.closed && !stream.destroyed && !stream.state.remoteClose) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}

function onStreamFinish(this: http2.ServerHttp2Stream): void {
  setImmediate(endEarly, this);
}

/** As node:http does for HTTP/1.1: fail a body read in progress; with nobody reading, nothing to tell. */
function onAborted(this: http.IncomingMessage): void {
  if (!this.readableEnded && this.listenerCount("error") > 0) this.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
}
