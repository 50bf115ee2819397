/**
 * The WebSocket idle timeout where the runtime has none that closes properly
 * (Node has none; Bun's drops the connection without a close frame and tells
 * its close hook 1006): a peer that sent nothing for about `idleTimeout` gets
 * a ping, and if nothing arrived half of that later, 1001. Adapters reset
 * `peer._idleTicks` on every frame received. Deno's runtime pings and closes
 * natively, so its adapter never starts this.
 * @module
 */
import { CloseCode } from "./_close.ts";
import type { PeerBase } from "./_peer.ts";

/** One timer per server, ticking every half `idleTimeout` over all its peers. */
export class IdleSweep {
  readonly #peers: ReadonlySet<PeerBase>;
  readonly #seconds: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `seconds` 0 turns it off. */
  constructor(peers: ReadonlySet<PeerBase>, seconds: number) {
    this.#peers = peers;
    this.#seconds = seconds;
  }

  /** Start with the first connection: no timer runs on a server no WebSocket ever reached. */
  start(): void {
    if (this.#timer || this.#seconds <= 0) return;
    this.#timer = setInterval(() => {
      for (const peer of this.#peers) {
        const ticks = ++peer._idleTicks;
        if (ticks === 2) peer.ping();
        else if (ticks >= 3) peer.close(CloseCode.goingAway, "idle timeout");
      }
    }, (this.#seconds * 1000) / 2);
    // Never what keeps a process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
