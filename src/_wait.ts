/**
 * `ctx.waitUntil()` bookkeeping: promises a graceful `stop()` waits for.
 * @module
 */
import { logRequestError } from "./_log.ts";

/** Tracks background work started with `waitUntil`. */
export class WaitUntil {
  #pending = new Set<Promise<unknown>>();
  /** Keep `promise` alive until it settles; a rejection is logged, not thrown. */
  add(promise: Promise<unknown>): void {
    const tracked = Promise.resolve(promise).then(
      () => {},
      (error) => logRequestError(error),
    ).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
  /** Resolves when everything added so far has settled. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}
