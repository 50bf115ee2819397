/**
 * WebSockets on Deno, over `Deno.upgradeWebSocket`. Deno 2.9 keeps close
 * codes and reasons, sends extra 101 headers and subprotocols, answers pings
 * and joins fragments natively. This file adds what it lacks: the topic
 * index, `maxPayloadLength` (checked here, closing with 1009), and the
 * back-pressure policy. Deno drops the connection without a close frame on
 * invalid UTF-8 and accepts unmasked frames; the conformance suite names both.
 *
 * Deno's close waits for the close frame to be written and answered, and a
 * client that never reads lets neither happen: after {@link CLOSE_WAIT_MS} the
 * peer is released here (close hook, topics, count) while Deno keeps the TCP
 * connection until the client reads or leaves (`denoBackpressureLingers`). A
 * client that reads but never answers the close frame is dropped then
 * ({@link dropConnection}): Deno alone would keep it for ever.
 * @module
 */
import { logLine } from "../../src/_log.ts";
import { CloseCode, closeReason } from "../../src/ws/_close.ts";
import { toWire, wireLength } from "../../src/ws/_frame.ts";
import { WsHub } from "../../src/ws/_hub.ts";
import { PeerBase, type PeerInit } from "../../src/ws/_peer.ts";
import { LocalPubSub } from "../../src/ws/_pubsub.ts";
import { UpgradeRequest } from "../../src/ws/_request.ts";
import { checkHandshake, decideUpgrade } from "../../src/ws/_upgrade.ts";
import type { WebSocketOptions } from "../../src/types.ts";
import { deno } from "./host.ts";

/** The WebSocket side of a DenoServer. */
export class DenoWebSockets {
  readonly hub: WsHub;

  constructor(options: WebSocketOptions) {
    this.hub = new WsHub(options, new LocalPubSub(deliver));
  }

  /** Answer an `Upgrade: websocket` request: the hook's refusal, or 101. */
  async upgrade(request: Request, remoteAddress: string): Promise<Response> {
    const h = request.headers;
    const bad = checkHandshake(request.method, h.get("host"), h.get("sec-websocket-key"), h.get("sec-websocket-version"));
    if (bad) return bad;
    const decision = await decideUpgrade(this.hub.hooks, request, h.get("sec-websocket-protocol"));
    if (decision.refuse) return decision.refuse;
    const peerRequest = detached(request); // before upgradeWebSocket, which closes the request
    let upgraded: { socket: WebSocket; response: Response };
    try {
      upgraded = deno().upgradeWebSocket(request, {
        protocol: decision.protocol,
        idleTimeout: this.hub.limits.idleTimeout,
      });
    } catch {
      return new Response("Bad Request", { status: 400, headers: { connection: "close" } });
    }
    for (const [name, value] of decision.headers) upgraded.response.headers.append(name, value);
    new DenoPeer(this.hub, upgraded.socket, {
      request: peerRequest,
      remoteAddress,
      context: decision.context,
      protocol: decision.protocol,
    });
    return upgraded.response;
  }

}

/**
 * Deno closes the upgrade request when it is upgraded, and its headers then
 * throw "Request closed". The peer keeps the header pairs read now and builds
 * its own Request from them on first read, so `peer.request` stays readable
 * for the peer's whole life.
 */
function detached(request: Request): UpgradeRequest {
  const { url, method } = request;
  const headers = [...request.headers];
  return new UpgradeRequest((signal) => new Request(url, { method, headers, signal }));
}

const encoder = new TextEncoder();
let pingWarned = false;
/** How long a server-initiated close may wait for the client, as on Node. */
const CLOSE_WAIT_MS = 1000;

/** One `Deno.upgradeWebSocket` socket. */
class DenoPeer extends PeerBase<WsHub> {
  readonly ws: WebSocket;
  readonly #max: number;
  readonly #limit: number;
  /** At least `ws.bufferedAmount`: see {@link _send}. */
  #buffered = 0;
  #released: ReturnType<typeof setTimeout> | undefined;
  /** The close frame `close()` sent: the close hook reports it, whatever the client answers (or a drop). */
  #sent: { code: number; reason: string } | undefined;

  constructor(hub: WsHub, ws: WebSocket, init: PeerInit) {
    super(hub, init);
    this.ws = ws;
    this.#max = hub.limits.maxPayloadLength;
    this.#limit = hub.limits.backpressureLimit;
    ws.binaryType = "arraybuffer";
    ws.onopen = () => hub.opened(this);
    ws.onmessage = (event) => this.#onMessage(event.data as string | ArrayBuffer);
    ws.onerror = () => {}; // a close event follows
    ws.onclose = (event) => {
      clearTimeout(this.#released);
      const sent = this.#sent;
      // Deno reports 0 for a connection dropped without a close frame, and 1006 when a message
      // arrived after its own close frame went out.
      if (sent) hub.closed(this, sent.code, sent.reason);
      else hub.closed(this, event.code || CloseCode.abnormal, event.reason);
    };
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * @internal Send a string or bytes as is; false if the peer is not open.
   * Past the back-pressure limit the peer is closed. Reading `bufferedAmount`
   * is a call into Deno (about 5% of the cost of a message across Redis when
   * made per send, in a profile of the bench), so
   * the peer keeps an upper bound instead: the amount last read plus every
   * byte sent since (a string of n UTF-16 units is at most 3n bytes), and
   * reads the real amount only when that bound passes the limit.
   */
  _send(payload: string | Uint8Array): boolean {
    if (this.ws.readyState !== 1) return false;
    this.ws.send(payload as string);
    this.#buffered += typeof payload === "string" ? payload.length * 3 : payload.byteLength;
    if (this.#buffered > this.#limit && (this.#buffered = this.ws.bufferedAmount) > this.#limit) {
      this.close(CloseCode.policyViolation, "back-pressure limit exceeded");
      return false;
    }
    return true;
  }

  send(data: unknown, _options?: { compress?: boolean }): number {
    const payload = toWire(data);
    return this._send(payload) ? wireLength(payload) : 0;
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    reason = closeReason(code, reason);
    if (this.ws.readyState > 1) return;
    this.ws.close(code, reason);
    this._leaveTopics();
    this.#sent = { code, reason };
    // The hub ignores a second report, so Deno's own close event later changes nothing.
    this.#released = setTimeout(() => {
      this._hub.closed(this, code, reason);
      dropConnection(this.ws);
    }, CLOSE_WAIT_MS);
  }

  /** Deno has no abrupt close; this starts the closing handshake with 1000. */
  terminate(): void {
    this.close();
  }

  /** Deno's WebSocket cannot send pings from JavaScript (`idleTimeout` pings natively): says so once. */
  ping(_data?: unknown): void {
    if (pingWarned) return;
    pingWarned = true;
    logLine("websocket: peer.ping() sends nothing on Deno (its WebSocket cannot send pings from JavaScript)");
  }

  #onMessage(data: string | ArrayBuffer): void {
    if (typeof data === "string") {
      if (data.length * 3 > this.#max && encoder.encode(data).length > this.#max) return this.#tooBig();
      this._hub.received(this, data);
    } else {
      if (data.byteLength > this.#max) return this.#tooBig();
      this._hub.received(this, new Uint8Array(data));
    }
  }

  #tooBig(): void {
    this.close(CloseCode.tooBig, "message too big");
  }
}

/**
 * End the connection under `ws` now. Deno's close waits for the client's close frame for ever (measured past
 * 90 s, whatever `idleTimeout`), so a client that never answers would keep its connection; Deno has no abrupt
 * close, and closing the socket's resource through Deno's internal `core` is the one way found (Deno 2.9). It
 * does not end a connection whose close frame is still being written (`denoBackpressureLingers`). Where that
 * internal is gone, the connection is kept, as before.
 */
function dropConnection(ws: WebSocket): void {
  try {
    const host = (globalThis as unknown as { Deno: Record<symbol, { core?: { close(rid: number): void } }> & { internal: symbol } }).Deno;
    const rid = Object.getOwnPropertySymbols(ws).find((symbol) => symbol.description === "[[rid]]");
    const value = rid && (ws as unknown as Record<symbol, unknown>)[rid];
    if (typeof value === "number") host[host.internal]?.core?.close(value);
  } catch {
    // Already closed, or Deno changed: keep the connection.
  }
}

/** Deno has no frame-level API: each subscriber gets the same string or bytes. */
function deliver(subscribers: ReadonlySet<PeerBase>, data: unknown, except: PeerBase | undefined): void {
  const payload = toWire(data);
  for (const peer of subscribers) {
    if (peer !== except) (peer as DenoPeer)._send(payload);
  }
}
