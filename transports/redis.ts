/**
 * The Redis (or Valkey) transport for pub/sub across instances, over the
 * official client `@redis/client`, which runs on Node, Deno and Bun alike.
 * Topic `t` travels on channel `<prefix>t`. Two connections: one subscribes,
 * one publishes with the offline queue off, so a publish during an outage
 * fails at once and is counted as dropped instead of piling up in memory.
 * A Redis that is connected but does not answer cannot pile them up either:
 * past {@link MAX_UNANSWERED_BYTES} of publishes without a reply, the next
 * are dropped and counted. That bound replaces the client's per-command
 * timeout, which costs a timer and two listener calls per PUBLISH (12% of
 * the samples in a Bun profile of the bench) and guards only commands not
 * yet written.
 * Whenever the subscriber becomes ready it subscribes every topic this
 * instance has joined: a topic joined before the first connection, or during
 * an outage, is subscribed then (`_redis-topics.ts`; the client resubscribes
 * by itself only channels whose SUBSCRIBE Redis acknowledged).
 * With `waitAtStart` (the supervisor of `--workers N`), a Redis that cannot
 * be reached at start is an outage like a later one, not an error: `start()`
 * resolves after the first failed attempt, with one line, and the client
 * keeps trying. An answer that refuses us (a wrong password) still fails it.
 * The client is loaded only when a server asks for this transport.
 * @module
 */
import { Buffer } from "node:buffer";
import { OmniserveError } from "../src/_errors.ts";
import { logLine } from "../src/_log.ts";
import { HEAD, type Wire } from "../src/pubsub/_envelope.ts";
import type { Transport } from "../src/pubsub/_shared.ts";
import type { PubSubStats } from "../src/types.ts";
import { type Listener, RedisTopics } from "./_redis-topics.ts";

/** Where Redis is and how to name channels. */
export interface RedisConfig {
  url: string;
  prefix: string;
  /** Start while Redis cannot be reached, as in an outage (default: fail). */
  waitAtStart?: boolean;
}

/** Longest wait between reconnect attempts. */
const MAX_BACKOFF_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;
/** Publishes sent and not yet answered, in bytes of message, past which the next are dropped (as the workers' relay). */
const MAX_UNANSWERED_BYTES = 64 * 1024 * 1024;
/**
 * The largest message (envelope included) sent to other instances: the
 * default `maxPayloadLength` and its envelope. Redis cuts a subscriber off
 * once more than 32 MiB wait for it (its default
 * `client-output-buffer-limit pubsub`), and every instance subscribes to its
 * own messages' channel: one 31 MiB message cut every instance in the room
 * off Redis for a moment, the publisher's included (probed). A larger one is
 * delivered on this instance (or machine) only, counted as dropped, logged once.
 */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + HEAD;

type Client = {
  connect(): Promise<unknown>;
  duplicate(): Client;
  on(event: string, listener: (...args: any[]) => void): Client;
  publish(channel: string, message: Buffer | string): Promise<number>;
  subscribe(channel: string, listener: Listener, bufferMode: true): Promise<void>;
  unsubscribe(channel: string, listener: Listener, bufferMode: true): Promise<void>;
  close?(): Promise<void>;
  quit?(): Promise<unknown>;
  destroy?(): void;
  readonly isReady: boolean;
};

/** A transport over Redis pub/sub. */
export class RedisTransport implements Transport {
  readonly #config: RedisConfig;
  #pub: Client | undefined;
  #sub: Client | undefined;
  #stats: PubSubStats | undefined;
  #started = false;
  #lostAt = 0;
  #droppedAtLoss = 0;
  /** Bytes of publishes sent and not yet answered (string length for text). */
  #unanswered = 0;
  #tooLargeLogged = false;
  /** The subscriptions, once there is a subscriber. */
  #topics: RedisTopics | undefined;

  constructor(config: RedisConfig) {
    this.#config = config;
  }

  async start(receive: (topic: string, message: Uint8Array) => void, stats: PubSubStats, joined: ReadonlySet<string>): Promise<void> {
    this.#stats = stats;
    let url: URL;
    try {
      url = new URL(this.#config.url);
    } catch {
      throw new OmniserveError("ERR_PUBSUB", `pubsub URL "${this.#config.url}" is not a URL (expected redis://host:port/db)`);
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new OmniserveError("ERR_PUBSUB", `pubsub URL "${this.#config.url}" must start with redis:// or rediss://`);
    }
    const { createClient, ErrorReply } = await import("@redis/client");
    const wait = this.#config.waitAtStart === true;
    /** Redis answered, and said no (a wrong password): no outage, and retrying will not help at start. */
    const refused = (cause: unknown) => cause instanceof ErrorReply;
    const pub = this.#pub = createClient({
      url: this.#config.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Before the first connection a failure is final (the caller reports it), unless waiting for Redis is
        // asked for and it is not a refusal; after, back off and retry.
        reconnectStrategy: (retries: number, cause: Error) =>
          this.#started || (wait && !refused(cause)) ? Math.min(50 * 2 ** retries, MAX_BACKOFF_MS) : cause,
      },
    }) as unknown as Client;
    const sub = this.#sub = pub.duplicate();
    let down: ((error: Error) => void) | undefined;
    // Either connection failing is an outage; both ready again is the end of it. Each is logged once.
    for (const client of [pub, sub]) {
      client.on("error", (error: Error) => down && !refused(error) ? down(error) : this.#lost(error));
      client.on("ready", () => this.#back());
    }
    const topics = this.#topics = new RedisTopics(sub, this.#config.prefix, joined, receive);
    sub.on("ready", () => topics.syncAll());
    const connected = Promise.all([pub.connect(), sub.connect()]);
    // Waiting: the first failed attempt to reach Redis ends the start, as an outage that began before it.
    let reason = "";
    const unreachable = new Promise<"down">((resolve) => (down = (error) => (reason = describe(error), resolve("down"))));
    try {
      if (await Promise.race(wait ? [connected, unreachable] : [connected]) === "down") {
        connected.catch(() => {}); // a refusal later is an outage's error like any other: logged once by #lost
        this.#started = true;
        this.#lostAt = Date.now();
        logLine(`pubsub: cannot reach Redis at ${redacted(url)} (${reason}); local delivery continues, messages to other instances are dropped until it is reachable`);
        return;
      }
    } catch (error) {
      await this.close();
      throw new OmniserveError("ERR_PUBSUB", `cannot connect to Redis at ${redacted(url)}: ${describe(error)}`, { cause: error });
    } finally {
      down = undefined;
    }
    this.#started = true;
    stats.connected = true;
  }

  join(topic: string): void {
    this.#topics?.sync(topic);
  }

  leave(topic: string): void {
    this.#topics?.sync(topic);
  }

  send(topic: string, message: Wire): void {
    const pub = this.#pub;
    const stats = this.#stats!;
    const size = message.length;
    if (!pub?.isReady || this.#unanswered + size > MAX_UNANSWERED_BYTES) {
      stats.dropped++;
      return;
    }
    // A string's UTF-8 is 1 to 3 bytes per unit: count them only when it may be too large.
    if (size * 3 > MAX_MESSAGE_BYTES && (typeof message === "string" ? Buffer.byteLength(message) : size) > MAX_MESSAGE_BYTES) {
      stats.dropped++;
      if (!this.#tooLargeLogged) {
        this.#tooLargeLogged = true;
        logLine(`pubsub: a message on topic "${topic.slice(0, 100)}" is larger than the 16 MiB sent to other instances; delivered here only (later ones are only counted)`);
      }
      return;
    }
    this.#unanswered += size;
    // One callback for both outcomes: a reply is the number of receivers, a failure an Error.
    const settled = (reply: unknown): void => {
      this.#unanswered -= size;
      if (typeof reply !== "number") stats.dropped++;
    };
    // A string goes out as one write; a Buffer takes three (the client frames it around).
    const payload = typeof message === "string" ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    pub.publish(this.#config.prefix + topic, payload).then(settled, settled);
  }

  async close(): Promise<void> {
    this.#started = false;
    const clients = [this.#pub, this.#sub];
    this.#pub = this.#sub = undefined;
    for (const client of clients) {
      if (!client) continue;
      try {
        client.destroy?.();
      } catch {
        // already closed
      }
    }
  }

  /** The connection dropped: one line, then the client retries with backoff. */
  #lost(error: Error): void {
    const stats = this.#stats;
    if (!this.#started || !stats || !stats.connected) return;
    stats.connected = false;
    this.#lostAt = Date.now();
    this.#droppedAtLoss = stats.dropped;
    logLine(`pubsub: lost Redis (${describe(error)}); local delivery continues, messages to other instances are dropped until it is back`);
  }

  /** Both connections are ready again (the subscriber has resubscribed every channel). */
  #back(): void {
    const stats = this.#stats;
    if (!this.#started || !stats || stats.connected || !this.#pub?.isReady || !this.#sub?.isReady) return;
    stats.connected = true;
    stats.reconnects++;
    const seconds = ((Date.now() - this.#lostAt) / 1000).toFixed(1);
    const dropped = stats.dropped - this.#droppedAtLoss;
    logLine(`pubsub: Redis is back after ${seconds} s; ${dropped} message${dropped === 1 ? " was" : "s were"} dropped meanwhile`);
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string } | undefined;
  return String(e?.message || e?.code || error).replace(/\s+/g, " ");
}

/** The URL without its password, for log lines. */
function redacted(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  return copy.href;
}

