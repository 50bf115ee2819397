/**
 * Keeps the channels the Redis subscriber holds equal to the topics this
 * instance has joined, whatever the order of joins, leaves and outages.
 *
 * One SUBSCRIBE or UNSUBSCRIBE at a time per topic; when it is answered, the
 * next one is sent if the topic was joined or left meanwhile. Leaving it to
 * the client lost topics under churn (a subscribe/unsubscribe probe: 1 to 3
 * topics in 30 left unsubscribed for good, with or without a listener given
 * to UNSUBSCRIBE): it takes a SUBSCRIBE sent while an UNSUBSCRIBE of the same
 * channel is in flight for a no-op, and the UNSUBSCRIBE then wins.
 * @module
 */
import type { Buffer } from "node:buffer";

/** Buffer mode: binary messages arrive intact (the envelope says which are text). */
export type Listener = (message: Buffer) => void;

/** The part of the client's subscriber connection used here. */
export interface Subscriber {
  readonly isReady: boolean;
  subscribe(channel: string, listener: Listener, bufferMode: true): Promise<void>;
  unsubscribe(channel: string, listener: Listener, bufferMode: true): Promise<void>;
}

/** The subscriptions of one instance. */
export class RedisTopics {
  readonly #sub: Subscriber;
  readonly #prefix: string;
  /** The topics joined (the caller's set, kept current by it). */
  readonly #joined: ReadonlySet<string>;
  readonly #receive: (topic: string, message: Uint8Array) => void;
  /** Topics whose SUBSCRIBE Redis acknowledged, with no UNSUBSCRIBE acknowledged since: the client resubscribes these itself on reconnect. */
  readonly #held: Set<string> = new Set();
  /** Topics with a command in flight. */
  readonly #busy: Set<string> = new Set();
  /**
   * One listener per topic while it is joined or held: the client has
   * already matched the channel, so a message is not decoded again to find
   * its topic.
   */
  readonly #listeners: Map<string, Listener> = new Map();

  constructor(sub: Subscriber, prefix: string, joined: ReadonlySet<string>, receive: (topic: string, message: Uint8Array) => void) {
    this.#sub = sub;
    this.#prefix = prefix;
    this.#joined = joined;
    this.#receive = receive;
  }

  /** Subscribe or unsubscribe `topic` if that is what it lacks (and no command for it is in flight). */
  sync(topic: string): void {
    const sub = this.#sub;
    const want = this.#joined.has(topic);
    if (!sub.isReady || this.#busy.has(topic) || want === this.#held.has(topic)) return;
    this.#busy.add(topic);
    const channel = this.#prefix + topic;
    const listener = this.#listener(topic);
    // A failure means the connection dropped: the subscriber's "ready" calls syncAll again.
    (want ? sub.subscribe(channel, listener, true) : sub.unsubscribe(channel, listener, true)).then(
      () => this.#done(topic, want),
      () => this.#done(topic, !want),
    );
  }

  /** The subscriber is (again) ready: bring every topic joined or held in line. */
  syncAll(): void {
    for (const topic of this.#joined) this.sync(topic);
    for (const topic of this.#held) this.sync(topic);
  }

  #done(topic: string, held: boolean): void {
    this.#busy.delete(topic);
    if (held) this.#held.add(topic);
    else this.#held.delete(topic);
    if (!held && !this.#joined.has(topic)) this.#listeners.delete(topic);
    this.sync(topic);
  }

  #listener(topic: string): Listener {
    let listener = this.#listeners.get(topic);
    if (!listener) {
      // A message may still come for a topic left a moment ago: only joined topics are delivered.
      listener = (message) => void (this.#joined.has(topic) && this.#receive(topic, message));
      this.#listeners.set(topic, listener);
    }
    return listener;
  }
}
