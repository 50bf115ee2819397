/**
 * WebSockets on Bun: Bun's native ServerWebSocket does the protocol and
 * limits, and its native topics the pub/sub (`_pubsub.ts`); this file wraps
 * each socket in a crossws-shaped peer and runs the shared upgrade decision
 * before `server.upgrade()`.
 * @module
 */
import { CloseCode, closeReason } from "../../src/ws/_close.ts";
import { toWire, wireLength } from "../../src/ws/_frame.ts";
import { WsHub } from "../../src/ws/_hub.ts";
import { PeerBase, type PeerInit } from "../../src/ws/_peer.ts";
import type { PubSub } from "../../src/ws/_pubsub.ts";
import { checkHandshake, decideUpgrade } from "../../src/ws/_upgrade.ts";
import type { WebSocketOptions } from "../../src/types.ts";
import { BunPubSub } from "./_pubsub.ts";
import type { BunServer, BunServerWebSocket, BunWebSocketHandler } from "./host.ts";

/** The WebSocket side of a BunServer. */
export class BunWebSockets {
  readonly hub: WsHub;
  readonly pubsub: BunPubSub;
  /** Pass as `websocket` to `Bun.serve`. */
  readonly handler: BunWebSocketHandler<BunPeer>;

  constructor(options: WebSocketOptions) {
    this.pubsub = new BunPubSub(options.perMessageDeflate ?? false, (topic) => this.#closeSlow(topic));
    // Every peer of this hub is a BunPeer, which is the BunSubscriber the native pub/sub needs.
    const hub = this.hub = new WsHub(options, this.pubsub as unknown as PubSub<PeerBase>);
    const limits = hub.limits;
    this.handler = {
      maxPayloadLength: limits.maxPayloadLength,
      // Bun's own idle timeout drops the connection without a close frame: the shared sweep pings and closes with 1001.
      idleTimeout: 0,
      sendPings: false,
      // Bun's own enforcement drops the connection without a close frame; past the limit Bun drops the
      // message instead and says so, and the peer is closed with 1008 (BunPeer.send, #closeSlow).
      backpressureLimit: limits.backpressureLimit,
      closeOnBackpressureLimit: false,
      perMessageDeflate: limits.perMessageDeflate,
      publishToSelf: false,
      open(ws) {
        ws.data._ws = ws;
        hub.idle.start();
        hub.opened(ws.data);
      },
      message(ws, message) {
        ws.data._idleTicks = 0;
        hub.received(ws.data, typeof message === "string" ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      },
      close(ws, code, reason) {
        const peer = ws.data;
        if (!peer._closing) return hub.closed(peer, sentCode(code, reason), reason);
        // Bun runs this inside peer.close() or terminate(): the hook runs once that call has returned,
        // as on Node and Deno, and the peer reads as closing (2) until then.
        queueMicrotask(() => {
          peer._closing = false;
          hub.closed(peer, sentCode(code, reason), reason);
        });
      },
      drain(ws) {
        hub.drained(ws.data);
      },
      // Bun answers pings itself; these only tell the idle sweep the client is there.
      ping(ws) {
        ws.data._idleTicks = 0;
      },
      pong(ws) {
        ws.data._idleTicks = 0;
      },
    };
  }

  /** Bun dropped a published message: close each subscriber of `topic` past the limit (Bun drops only past it). */
  #closeSlow(topic: string): void {
    const limit = this.hub.limits.backpressureLimit;
    for (const peer of this.hub.peers as Set<BunPeer>) {
      if (peer.topics.has(topic) && peer._ws.getBufferedAmount() > limit) peer._overLimit();
    }
  }

  /** Answer an `Upgrade: websocket` request: the hook's refusal, or undefined once Bun upgraded. */
  async upgrade(request: Request, server: BunServer, remoteAddress: string): Promise<Response | undefined> {
    const h = request.headers;
    const bad = checkHandshake(request.method, h.get("host"), h.get("sec-websocket-key"), h.get("sec-websocket-version"));
    if (bad) return bad;
    const decision = await decideUpgrade(this.hub.hooks, request, h.get("sec-websocket-protocol"));
    if (decision.refuse) return decision.refuse;
    const headers = decision.headers;
    // Bun echoes the first offered subprotocol unless told one (oven-sh/bun#18243); an empty
    // value makes it send none, as RFC 6455 4.2.2 says when the hook chose none.
    headers.set("sec-websocket-protocol", decision.protocol ?? "");
    const peer = new BunPeer(this.hub, this.pubsub, {
      request,
      remoteAddress,
      context: decision.context,
      protocol: decision.protocol,
    });
    peer._server = server;
    if (server.upgrade(request, { headers, data: peer })) return undefined;
    return new Response("Bad Request", { status: 400, headers: { connection: "close" } });
  }
}

/**
 * The code for the close hook. Bun tells its close handler 1006 for a
 * connection it closed over a broken frame, although it sent a close frame
 * with a code and one of uWebSockets' fixed reasons, which it passes along
 * ("Received too big message" with 1009, "Received invalid UTF-8" with 1007,
 * the other "Received ..." with 1002; measured on 1.4.5): the hook gets the
 * code the client got, as on Node and Deno.
 */
function sentCode(code: number, reason: string): number {
  if (code !== CloseCode.abnormal || !reason.startsWith("Received ")) return code || CloseCode.abnormal;
  if (reason.startsWith("Received too big message")) return CloseCode.tooBig;
  return reason === "Received invalid UTF-8" ? CloseCode.invalidData : CloseCode.protocolError;
}

/** A Bun ServerWebSocket as a crossws-shaped peer. */
class BunPeer extends PeerBase<WsHub> {
  /** @internal set when Bun opens the socket */
  _ws!: BunServerWebSocket<BunPeer>;
  /** @internal the server that upgraded it (a certificate reload can leave two) */
  _server!: BunServer;
  /** @internal from `close()` or `terminate()` until the close hook runs (Bun closes at once). */
  _closing = false;
  readonly #pubsub: BunPubSub;

  constructor(hub: WsHub, pubsub: BunPubSub, init: PeerInit) {
    super(hub, init);
    this.#pubsub = pubsub;
  }

  get readyState(): number {
    return this._closing ? 2 : this._ws?.readyState ?? 0;
  }

  get bufferedAmount(): number {
    return this._ws?.getBufferedAmount() ?? 0;
  }

  send(data: unknown, options?: { compress?: boolean }): number {
    const payload = toWire(data);
    const compress = this.#pubsub.compress(payload, options);
    const sent = this._ws.send(payload, compress);
    // 0 on an open socket: Bun dropped the message, the peer is past backpressureLimit
    // (or the message was empty: 0 bytes sent).
    if (sent === 0 && this._ws.readyState === 1 && payload.length > 0) this._overLimit();
    // Bun says -1 for a message queued behind back-pressure, and counts compressed bytes.
    return sent === 0 ? 0 : sent === -1 || compress ? wireLength(payload) : sent;
  }

  /** @internal past `backpressureLimit`: 1008, as on Node and Deno. */
  _overLimit(): void {
    this.close(CloseCode.policyViolation, "back-pressure limit exceeded");
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    reason = closeReason(code, reason);
    if (this._ws.readyState > 1) return;
    this._closing = true;
    this._ws.close(code, reason);
  }

  terminate(): void {
    if (this._ws.readyState > 1) return;
    this._closing = true;
    this._ws.terminate();
  }

  ping(data?: unknown): void {
    this._ws.ping(data === undefined ? undefined : toWire(data));
  }
}
