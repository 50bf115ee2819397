/**
 * One server's WebSocket state: hooks, limits, connected peers and the topic
 * index. Adapters report events here; the hub calls the hooks, routes hook
 * failures to the `error` hook, and keeps the close hook to once per peer.
 * @module
 */
import type { Message as CrosswsMessage, Peer as CrosswsPeer, WSError } from "crossws";
import { logLine } from "../_log.ts";
import type { WebSocketOptions } from "../types.ts";
import { WsMessage } from "./_message.ts";
import { resolveWsLimits, type WsLimits } from "./_options.ts";
import type { PeerBase } from "./_peer.ts";
import { TopicIndex } from "./_topics.ts";

/** Deliver `data` to `subscribers` but `except`; returns how many got it. */
export type Fanout = (subscribers: Set<PeerBase>, data: unknown, except: PeerBase | undefined) => number;

/** The WebSocket side of one server. */
export class WsHub {
  readonly hooks: WebSocketOptions;
  readonly limits: WsLimits;
  readonly peers: Set<PeerBase> = new Set();
  readonly topics: TopicIndex<PeerBase> = new TopicIndex();
  readonly #fanout: Fanout;
  readonly #closed: WeakSet<PeerBase> = new WeakSet();

  constructor(hooks: WebSocketOptions, fanout: Fanout) {
    this.hooks = hooks;
    this.limits = resolveWsLimits(hooks);
    this.#fanout = fanout;
  }

  /** Send to every subscriber of `topic` (but `except`); returns how many got it. */
  publish(topic: string, data: unknown, except?: PeerBase): number {
    const subscribers = this.topics.get(topic);
    return subscribers ? this.#fanout(subscribers, data, except) : 0;
  }

  subscriberCount(topic: string): number {
    return this.topics.count(topic);
  }

  /** Close every open peer (graceful stop uses 1001). */
  closeAll(code: number, reason: string): void {
    for (const peer of this.peers) peer.close(code, reason);
  }

  opened(peer: PeerBase): void {
    this.peers.add(peer);
    if (this.hooks.open) this.#run(peer, () => this.hooks.open!(asPeer(peer)));
  }

  received(peer: PeerBase, data: string | Uint8Array): void {
    if (!this.hooks.message) return;
    const message = new WsMessage(data, asPeer(peer));
    this.#run(peer, () => this.hooks.message!(asPeer(peer), message as unknown as CrosswsMessage));
  }

  /** The connection is gone; runs the close hook once. */
  closed(peer: PeerBase, code: number, reason: string): void {
    if (this.#closed.has(peer)) return;
    this.#closed.add(peer);
    this.peers.delete(peer);
    if (this.hooks.close) this.#run(peer, () => this.hooks.close!(asPeer(peer), { code, reason }));
  }

  drained(peer: PeerBase): void {
    if (this.hooks.drain) this.#run(peer, () => this.hooks.drain!(asPeer(peer)));
  }

  /** A hook threw or rejected: hand it to the `error` hook, else log one line. */
  failed(peer: PeerBase, error: unknown): void {
    const hook = this.hooks.error;
    if (!hook) return logError(error);
    try {
      const result = hook(asPeer(peer), error as WSError);
      if (result instanceof Promise) result.catch(logError);
    } catch (error2) {
      logError(error2);
    }
  }

  #run(peer: PeerBase, call: () => unknown): void {
    try {
      const result = call();
      if (result instanceof Promise) result.catch((error) => this.failed(peer, error));
    } catch (error) {
      this.failed(peer, error);
    }
  }
}

function asPeer(peer: PeerBase): CrosswsPeer {
  return peer as unknown as CrosswsPeer;
}

function logError(error: unknown): void {
  const err = error as { name?: string; message?: string } | undefined;
  logLine(`websocket hook failed: ${err?.name ?? "Error"} ${String(err?.message ?? error).replace(/\s+/g, " ")}`);
}
