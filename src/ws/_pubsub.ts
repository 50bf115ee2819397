/**
 * The pub/sub seam: who is subscribed to which topic, and handing one message
 * to a topic's subscribers. A server's WebSocket hub talks only to this
 * interface. Node and Deno use {@link LocalPubSub} (a topic index plus the
 * adapter's way to deliver a message); Bun uses its native pub/sub. A
 * transport between processes or machines wraps one of these.
 * @module
 */
import type { PublishOptions } from "../types.ts";
import { toWire } from "./_frame.ts";
import { TopicIndex } from "./_topics.ts";

export type { PublishOptions };

/** Topic subscriptions and delivery for one server's peers. */
export interface PubSub<P> {
  subscribe(peer: P, topic: string): void;
  unsubscribe(peer: P, topic: string): void;
  /**
   * Hand `data` to every subscriber of `topic` except `except`. Returns how
   * many subscribers it was handed to: the topic's subscribers, less the
   * sender when the sender is one of them. The same on every runtime.
   */
  publish(topic: string, data: unknown, except: P | undefined, options: PublishOptions | undefined): number;
  /** How many peers are subscribed to `topic`. */
  count(topic: string): number;
}

/** How an adapter writes one message to a set of its peers (encoding it once). */
export type Deliver<P> = (
  subscribers: ReadonlySet<P>,
  data: unknown,
  except: P | undefined,
  options: PublishOptions | undefined,
) => void;

/** Pub/sub inside one process: a topic index and the adapter's delivery. */
export class LocalPubSub<P> implements PubSub<P> {
  readonly #index: TopicIndex<P> = new TopicIndex();
  readonly #deliver: Deliver<P>;

  constructor(deliver: Deliver<P>) {
    this.#deliver = deliver;
  }

  subscribe(peer: P, topic: string): void {
    this.#index.add(topic, peer);
  }

  unsubscribe(peer: P, topic: string): void {
    this.#index.delete(topic, peer);
  }

  publish(topic: string, data: unknown, except: P | undefined, options: PublishOptions | undefined): number {
    // Encoded first, so data that cannot be sent (a Blob) is a TypeError whether or not anyone listens.
    const wire = toWire(data);
    const subscribers = this.#index.get(topic);
    if (!subscribers) return 0;
    const count = subscribers.size - (except !== undefined && subscribers.has(except) ? 1 : 0);
    if (count > 0) this.#deliver(subscribers, wire, except, options);
    return count;
  }

  count(topic: string): number {
    return this.#index.count(topic);
  }
}
