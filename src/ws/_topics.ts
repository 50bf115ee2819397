/**
 * Topic index: topic -> subscribers. A publish touches only that topic's
 * subscribers, never every connected peer.
 * @module
 */

/** What `isWellFormed` and `toWellFormed` are (ES2024; every runtime here has them, the lib we build with does not). */
type Wellformed = { isWellFormed(): boolean; toWellFormed(): string };

/**
 * A topic as pub/sub keys it: its UTF-8 text, so a lone surrogate is U+FFFD.
 * Bun's native topics and every link between processes carry topics as UTF-8,
 * where "\uD800" and "\uFFFD" are one name; keying every runtime the same
 * way keeps `peer.topics`, `subscriberCount` and delivery identical.
 */
export function topicName(topic: string): string {
  const name = typeof topic === "string" ? topic : String(topic);
  return (name as unknown as Wellformed).isWellFormed() ? name : (name as unknown as Wellformed).toWellFormed();
}

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
