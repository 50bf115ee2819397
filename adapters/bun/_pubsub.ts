/**
 * Pub/sub on Bun: Bun's native topics (`ws.subscribe`, `server.publish`),
 * which frame a message once in native code and write it to every
 * subscriber. The count a publish returns follows the shared rule in
 * `src/ws/_pubsub.ts`, so it is the same as on Node and Deno. After a
 * certificate reload (see _tls.ts) the replaced server keeps its sockets
 * until they close, so a publish goes to it too.
 * @module
 */
import { toWire } from "../../src/ws/_frame.ts";
import type { PublishOptions, PubSub } from "../../src/ws/_pubsub.ts";
import type { BunServer, BunServerWebSocket } from "./host.ts";

/**
 * The native name of `topic`. Bun refuses an empty topic name (an Error on
 * subscribe, publish and subscriberCount) where Node and Deno take it, so ""
 * and every name starting with NUL get one more NUL in front: a one-to-one
 * mapping that leaves every other name as it is.
 */
function nativeTopic(topic: string): string {
  return topic === "" || topic.charCodeAt(0) === 0 ? "\0" + topic : topic;
}

/** What this needs of a peer: its Bun socket and its topics. */
export interface BunSubscriber {
  readonly _ws: BunServerWebSocket<unknown>;
  /** The server that upgraded it. */
  readonly _server: BunServer;
  readonly topics: ReadonlySet<string>;
}

/** Bun's native pub/sub behind the shared interface. */
export class BunPubSub implements PubSub<BunSubscriber> {
  /** Set once `Bun.serve` returned; no peer exists before that. */
  server: BunServer | undefined;
  /** Servers replaced by a certificate reload that may still hold subscribers. */
  readonly retired: Set<BunServer> = new Set();
  readonly #deflate: boolean;
  /** Called when Bun dropped a message for a subscriber of `topic` that is past the back-pressure limit. */
  readonly #dropped: (topic: string) => void;

  constructor(perMessageDeflate: boolean, dropped: (topic: string) => void) {
    this.#deflate = perMessageDeflate;
    this.#dropped = dropped;
  }

  subscribe(peer: BunSubscriber, topic: string): void {
    peer._ws.subscribe(nativeTopic(topic));
  }

  unsubscribe(peer: BunSubscriber, topic: string): void {
    // A closed socket has already left its topics natively.
    if (peer._ws.readyState === 1) peer._ws.unsubscribe(nativeTopic(topic));
  }

  publish(topic: string, data: unknown, except: BunSubscriber | undefined, options: PublishOptions | undefined): number {
    // Encoded first, so data that cannot be sent (a Blob) is a TypeError whether or not anyone listens.
    const payload = toWire(data);
    const server = this.server;
    if (!server) return 0;
    const subscribed = except !== undefined && except.topics.has(topic) && except._ws.readyState === 1;
    const count = this.count(topic) - (subscribed ? 1 : 0);
    if (count <= 0) return 0;
    const name = nativeTopic(topic);
    const compress = this.compress(payload, options);
    // `publishToSelf: false` makes a socket's own publish skip it. Bun answers 0 when it dropped the
    // message for a subscriber past `backpressureLimit` (-1 when one is merely behind; measured on 1.4.5).
    let sent = subscribed && except._server === server
      ? except._ws.publish(name, payload, compress)
      : server.publish(name, payload, compress);
    for (const old of this.retired) {
      const result = subscribed && except._server === old ? except._ws.publish(name, payload, compress) : old.publish(name, payload, compress);
      if (result === 0) sent = 0;
    }
    if (sent === 0 && payload.length > 0) this.#dropped(topic);
    return count;
  }

  count(topic: string): number {
    const name = nativeTopic(topic);
    let count = this.server?.subscriberCount(name) ?? 0;
    for (const old of this.retired) count += old.subscriberCount(name);
    return count;
  }

  /** With perMessageDeflate on, Bun compresses only when asked: by default, messages of 1 KiB or more. */
  compress(payload: string | Uint8Array, options: PublishOptions | undefined): boolean {
    return options?.compress ?? (this.#deflate && payload.length >= 1024);
  }
}
