/**
 * Topic index: topic -> subscribers. A publish touches only that topic's
 * subscribers, never every connected peer.
 * @module
 */

/** Subscribers per topic; empty topics are dropped so the map stays small. */
export class TopicIndex<P> {
  readonly #topics: Map<string, Set<P>> = new Map();

  add(topic: string, peer: P): void {
    let set = this.#topics.get(topic);
    if (!set) this.#topics.set(topic, set = new Set());
    set.add(peer);
  }

  delete(topic: string, peer: P): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    set.delete(peer);
    if (set.size === 0) this.#topics.delete(topic);
  }

  /** The live subscriber set of `topic` (do not mutate), or undefined. */
  get(topic: string): Set<P> | undefined {
    return this.#topics.get(topic);
  }

  count(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }
}
