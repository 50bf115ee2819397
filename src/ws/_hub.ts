/**
 * One server's WebSocket state: hooks, limits, connected peers and its
 * pub/sub. Adapters report events here; the hub calls the hooks, routes hook
 * failures to the `error` hook, keeps the close hook to once per peer, and
 * takes a closed peer out of every topic.
 * @module
 */
import type { Message as CrosswsMessage, Peer as CrosswsPeer, WSError } from "crossws";
import { logLine } from "../_log.ts";
import type { WebSocketOptions } from "../types.ts";
import { WsMessage } from "./_message.ts";
import { resolveWsLimits, type WsLimits } from "./_options.ts";
import { IdleSweep } from "./_idle.ts";
import type { PeerBase, PeerHub } from "./_peer.ts";
import type { PublishOptions, PubSub } from "./_pubsub.ts";
import { topicName } from "./_topics.ts";

/** The WebSocket side of one server. */
export class WsHub implements PeerHub {
  readonly hooks: WebSocketOptions;
  readonly limits: WsLimits;
  readonly peers: Set<PeerBase> = new Set();
  /** Replaced by a shared pub/sub before any peer connects when instances share topics. */
  pubsub: PubSub<PeerBase>;
  /** The idle timeout, for runtimes without a proper one of their own: an adapter starts it on its first peer. */
  readonly idle: IdleSweep;
  readonly #closed: WeakSet<PeerBase> = new WeakSet();

  constructor(hooks: WebSocketOptions, pubsub: PubSub<PeerBase>) {
    this.hooks = hooks;
    this.limits = resolveWsLimits(hooks);
    this.pubsub = pubsub;
    this.idle = new IdleSweep(this.peers, this.limits.idleTimeout);
  }

  /** Send to every subscriber of `topic` (but `except`); returns how many it was sent to. */
  publish(topic: string, data: unknown, except?: PeerBase, options?: PublishOptions): number {
    return this.pubsub.publish(topicName(topic), data, except, options);
  }

  subscriberCount(topic: string): number {
    return this.pubsub.count(topicName(topic));
  }

  /** Close every open peer (graceful stop uses 1001). */
  closeAll(code: number, reason: string): void {
    this.idle.stop();
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
    peer._closeRequest();
    peer._leaveTopics();
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
