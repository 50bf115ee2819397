/**
 * The link from the workers of one `omniserve serve --workers N` to the
 * other instances (Redis), held by the supervisor next to the workers' relay
 * (`bus.ts`). The relay carries every message between this machine's
 * workers whatever the state of Redis, so an outage of Redis degrades
 * pub/sub to "this machine only", never to "this process only"; this link
 * carries each message once more, to and from the other instances.
 *
 * The machine is one instance on Redis: one subscription per topic in use by
 * any worker, one publish per message. A worker's message goes to Redis under
 * the supervisor's own id (`Envelopes.restamp`), so the copy Redis echoes back
 * is recognised and dropped, and no worker gets a message twice.
 * @module
 */
import { Envelopes, foreignHead } from "../src/pubsub/_envelope.ts";
import { countMalformed, type Transport } from "../src/pubsub/_shared.ts";
import type { PubSubStats } from "../src/types.ts";

/** This machine's workers, as one instance on the transport between instances. */
export class Backplane {
  /** `published`: messages of the workers handed on; `delivered`: messages of other instances passed to the workers. */
  readonly stats: PubSubStats = { connected: false, published: 0, delivered: 0, dropped: 0, malformed: 0, reconnects: 0 };
  readonly #transport: Transport;
  readonly #envelopes: Envelopes = new Envelopes();
  /** The topics some worker has joined. */
  readonly #joined: Set<string> = new Set();
  #malformedLogged = false;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Connect; `deliver` gets each message (an envelope) of another instance on a joined topic. */
  start(deliver: (topic: string, message: Uint8Array) => void): Promise<void> {
    return this.#transport.start((topic, message) => {
      // Not omniserve's (or another version): dropped here, so it is logged once per machine, not once per worker.
      const foreign = foreignHead(message);
      if (foreign) return void (this.#malformedLogged = countMalformed(this.stats, topic, foreign, this.#malformedLogged));
      if (this.#envelopes.isOwn(message)) return; // a worker's message, delivered on this machine already
      this.stats.delivered++;
      deliver(topic, message);
    }, this.stats, this.#joined);
  }

  /** The first worker joined `topic`. */
  join(topic: string): void {
    this.#joined.add(topic);
    this.#transport.join(topic);
  }

  /** The last worker left `topic`. */
  leave(topic: string): void {
    if (this.#joined.delete(topic)) this.#transport.leave(topic);
  }

  /** Hand a worker's message (its envelope) to the other instances. */
  send(topic: string, envelope: Uint8Array): void {
    this.stats.published++;
    this.#transport.send(topic, this.#envelopes.restamp(envelope));
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}
