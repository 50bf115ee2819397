/**
 * Pub/sub across processes: a local {@link PubSub} (this server's own peers)
 * plus a {@link Transport} that carries each publish to the other instances.
 * A publish is delivered locally at once and handed to the transport; a
 * message from the transport is delivered to this instance's subscribers.
 * The instance joins a topic on the transport only while it has a local
 * subscriber, so traffic for rooms nobody here is in never arrives.
 *
 * Delivery is at-most-once: while the transport is down, local delivery goes
 * on and remote messages are dropped and counted, never queued without bound.
 * @module
 */
import { logLine } from "../_log.ts";
import type { PublishOptions, PubSubStats } from "../types.ts";
import { toWire } from "../ws/_frame.ts";
import type { PubSub } from "../ws/_pubsub.ts";
import { Envelopes, type Malformed, type Wire } from "./_envelope.ts";

/** Carries encoded messages between instances; one per server. */
export interface Transport {
  /**
   * Connect; rejects with a sentence a user can act on. `receive` gets every
   * message of a joined topic. `joined` is the set of topics this instance
   * has joined, kept current by the caller (before it calls join and leave):
   * the transport joins every one of them each time it (re)connects, so a
   * topic joined before the connection or during an outage is not lost.
   */
  start(receive: (topic: string, message: Uint8Array) => void, stats: PubSubStats, joined: ReadonlySet<string>): Promise<void>;
  /** Start receiving `topic` (the first local subscriber arrived); may come before `start()`. */
  join(topic: string): void;
  /** Stop receiving `topic` (the last local subscriber left). */
  leave(topic: string): void;
  /** Hand one message (text as a string) to the other instances; count it in `stats.dropped` if that cannot be done. */
  send(topic: string, message: Wire): void;
  close(): Promise<void>;
}

/** Count a message that is not one this version reads; log the first (`logged` says if it was); answers true. */
export function countMalformed(stats: PubSubStats, topic: string, why: Malformed, logged: boolean): true {
  stats.malformed++;
  if (!logged) logLine(`pubsub: dropped a message on topic "${topic}" (${why.malformed}); later ones are only counted`);
  return true;
}

/** A local pub/sub extended over a transport. */
export class SharedPubSub<P> implements PubSub<P> {
  readonly stats: PubSubStats = { connected: false, published: 0, delivered: 0, dropped: 0, malformed: 0, reconnects: 0 };
  readonly #local: PubSub<P>;
  readonly #transport: Transport;
  readonly #envelopes: Envelopes = new Envelopes();
  readonly #joined: Set<string> = new Set();
  #malformedLogged = false;

  constructor(local: PubSub<P>, transport: Transport) {
    this.#local = local;
    this.#transport = transport;
  }

  /** Connect the transport. */
  start(): Promise<void> {
    return this.#transport.start((topic, message) => this.#receive(topic, message), this.stats, this.#joined);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  subscribe(peer: P, topic: string): void {
    this.#local.subscribe(peer, topic);
    if (this.#joined.has(topic)) return;
    this.#joined.add(topic);
    this.#transport.join(topic);
  }

  unsubscribe(peer: P, topic: string): void {
    this.#local.unsubscribe(peer, topic);
    if (this.#local.count(topic) > 0 || !this.#joined.delete(topic)) return;
    this.#transport.leave(topic);
  }

  /** Local subscribers get it now; the other instances through the transport. Returns the local count. */
  publish(topic: string, data: unknown, except: P | undefined, options: PublishOptions | undefined): number {
    const wire = toWire(data);
    const count = this.#local.publish(topic, wire, except, options);
    this.stats.published++;
    this.#transport.send(topic, this.#envelopes.encode(wire, options));
    return count;
  }

  /** This instance's subscribers. */
  count(topic: string): number {
    return this.#local.count(topic);
  }

  #receive(topic: string, message: Uint8Array): void {
    const envelope = this.#envelopes.decode(message);
    if (envelope === undefined) return; // our own, already delivered locally
    if ("malformed" in envelope) {
      this.#malformedLogged = countMalformed(this.stats, topic, envelope, this.#malformedLogged);
      return;
    }
    this.stats.delivered++;
    this.#local.publish(topic, envelope.data, undefined, envelope.options);
  }
}
