/**
 * WebSockets on Bun: Bun's native ServerWebSocket does the protocol,
 * limits and pub/sub (`subscribe`, `publish` in native code); this file
 * wraps each socket in a crossws-shaped peer and runs the shared upgrade
 * decision before `server.upgrade()`.
 * @module
 */
import { CloseCode } from "../../src/ws/_close.ts";
import { textOf } from "../../src/ws/_frame.ts";
import { WsHub } from "../../src/ws/_hub.ts";
import { PeerBase, type PeerInit } from "../../src/ws/_peer.ts";
import { checkHandshake, decideUpgrade } from "../../src/ws/_upgrade.ts";
import type { WebSocketOptions } from "../../src/types.ts";
import type { BunServer, BunServerWebSocket, BunWebSocketHandler } from "./_types.ts";

/** The WebSocket side of a BunServer. */
export class BunWebSockets {
  readonly hub: WsHub;
  /** Pass as `websocket` to `Bun.serve`. */
  readonly handler: BunWebSocketHandler<BunPeer>;

  constructor(options: WebSocketOptions) {
    const hub = this.hub = new WsHub(options, () => 0); // Bun publishes natively
    const limits = hub.limits;
    this.handler = {
      maxPayloadLength: limits.maxPayloadLength,
      idleTimeout: Math.min(limits.idleTimeout, 960),
      backpressureLimit: limits.backpressureLimit,
      closeOnBackpressureLimit: true,
      perMessageDeflate: limits.perMessageDeflate,
      publishToSelf: false,
      sendPings: true,
      open(ws) {
        ws.data._ws = ws;
        hub.opened(ws.data);
      },
      message(ws, message) {
        hub.received(ws.data, typeof message === "string" ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      },
      close(ws, code, reason) {
        hub.closed(ws.data, code || CloseCode.abnormal, reason);
      },
      drain(ws) {
        hub.drained(ws.data);
      },
    };
  }

  /** Answer an `Upgrade: websocket` request: the hook's refusal, or undefined once Bun upgraded. */
  async upgrade(request: Request, server: BunServer, remoteAddress: string): Promise<Response | undefined> {
    const h = request.headers;
    const bad = checkHandshake(request.method, h.get("sec-websocket-key"), h.get("sec-websocket-version"));
    if (bad) return bad;
    const decision = await decideUpgrade(this.hub.hooks, request, h.get("sec-websocket-protocol"));
    if (decision.refuse) return decision.refuse;
    const headers = decision.headers;
    // Bun echoes the first offered subprotocol unless told one (oven-sh/bun#18243); an empty
    // value makes it send none, as RFC 6455 4.2.2 says when the hook chose none.
    headers.set("sec-websocket-protocol", decision.protocol ?? "");
    const peer = new BunPeer(this.hub, {
      request,
      remoteAddress,
      context: decision.context,
      protocol: decision.protocol,
    });
    if (server.upgrade(request, { headers, data: peer })) return undefined;
    return new Response("Bad Request", { status: 400, headers: { connection: "close" } });
  }

  /** Native publish to every subscriber; returns how many there were. */
  publish(server: BunServer, topic: string, data: unknown): number {
    const count = server.subscriberCount(topic);
    const payload = wire(data);
    if (count > 0) server.publish(topic, payload, this.hub.limits.perMessageDeflate && payload.length >= 1024);
    return count;
  }

  /** Graceful stop: every peer gets 1001. */
  closeAll(): void {
    this.hub.closeAll(CloseCode.goingAway, "server shutting down");
  }
}

/** A Bun ServerWebSocket as a crossws-shaped peer. */
class BunPeer extends PeerBase {
  /** @internal set when Bun opens the socket */
  _ws!: BunServerWebSocket<BunPeer>;

  constructor(hub: WsHub, init: PeerInit) {
    super(hub, init);
  }

  get readyState(): number {
    return this._ws?.readyState ?? 0;
  }

  get bufferedAmount(): number {
    return this._ws?.getBufferedAmount() ?? 0;
  }

  send(data: unknown, options?: { compress?: boolean }): number {
    const payload = wire(data);
    return Math.max(0, this._ws.send(payload, options?.compress ?? this.#compress(payload)));
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    if (this._ws.readyState > 1) return;
    this._ws.close(code, reason);
  }

  terminate(): void {
    this._ws.terminate();
  }

  ping(data?: unknown): void {
    this._ws.ping(data === undefined ? undefined : wire(data));
  }

  override subscribe(topic: string): void {
    if (this.topics.has(topic) || this.readyState > 1) return;
    this.topics.add(topic);
    this._ws.subscribe(topic);
  }

  override unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this._ws.unsubscribe(topic);
  }

  override publish(topic: string, data: unknown, options?: { compress?: boolean }): void {
    const payload = wire(data);
    this._ws.publish(topic, payload, options?.compress ?? this.#compress(payload));
  }

  /** With perMessageDeflate on, Bun compresses only when asked; ask for messages of 1 KiB or more. */
  #compress(payload: string | Uint8Array): boolean {
    return this._hub.limits.perMessageDeflate && payload.length >= 1024;
  }
}

function wire(data: unknown): string | Uint8Array {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return textOf(data);
}
