/**
 * The pub/sub transport between the workers of one `omniserve serve
 * --workers N`: a small relay in the supervising process, reached over a Unix
 * domain socket with `node:net`, which Node, Deno and Bun all provide. One
 * socket per worker carries its messages in order, so each publisher's order
 * holds. The relay forwards a message only to the other workers that have
 * joined its topic. Across machines omniserve uses Redis instead; this never
 * leaves the host.
 *
 * Both sides write once per turn of the event loop: a worker sends the
 * frames (`_bus-frames.ts`) of a turn in one write, and the relay forwards
 * what it read to each other worker as the bytes it read, in one write per
 * worker and turn.
 *
 * With Redis (`--workers N --pubsub redis://...`) the relay also holds the
 * machine's link to the other instances (`_backplane.ts`); between the
 * workers, messages still go through the relay only, so they keep flowing
 * while Redis is down.
 * @module
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import { setImmediate } from "node:timers";
import { OmniserveError } from "../src/_errors.ts";
import { logLine } from "../src/_log.ts";
import type { Wire } from "../src/pubsub/_envelope.ts";
import type { Transport } from "../src/pubsub/_shared.ts";
import type { PubSubStats } from "../src/types.ts";
import type { Backplane } from "./_backplane.ts";
import { FrameBatch, FrameReader, JOIN, LEAVE, MESSAGE, oneFrame } from "./_bus-frames.ts";

/** A worker that stops reading is cut off past this much queued for it, so the relay's memory stays bounded. */
const MAX_QUEUED = 64 * 1024 * 1024;
/** Longest wait between a worker's attempts to reach the relay again. */
const MAX_BACKOFF_MS = 2000;

/** What the relay forwards to one worker in this turn: slices of what it read, the last one still growing. */
class Outbox {
  readonly parts: Buffer[] = [];
  bytes = 0;
  #from: Buffer | undefined;
  #start = 0;
  #end = 0;

  /** Add `from[start..end]`; a frame that follows the last one in the same read extends its slice. */
  add(from: Buffer, start: number, end: number): void {
    this.bytes += end - start;
    if (from === this.#from && start === this.#end) {
      this.#end = end;
      return;
    }
    this.#close();
    this.#from = from;
    this.#start = start;
    this.#end = end;
  }

  /** Write everything to `socket` in one go. */
  writeTo(socket: net.Socket): void {
    this.#close();
    if (this.parts.length === 1) socket.write(this.parts[0]);
    else socket.write(Buffer.concat(this.parts, this.bytes));
  }

  #close(): void {
    if (this.#from) this.parts.push(this.#from.subarray(this.#start, this.#end));
    this.#from = undefined;
  }
}

/** How the relay is set up. */
export interface RelayOptions {
  /** A worker with more than this many bytes not yet taken by its socket is disconnected (a smaller limit is for tests). */
  maxQueued?: number;
  /** The link to the other instances, started by `listen`. */
  backplane?: Backplane;
}

/** The relay, run by the supervising process. */
export class BusRelay {
  readonly #server: net.Server;
  readonly #maxQueued: number;
  readonly #backplane: Backplane | undefined;
  readonly #topics: Map<string, Set<net.Socket>> = new Map();
  /** The workers something is to be forwarded to at the end of this turn. */
  #outboxes: Map<net.Socket, Outbox> = new Map();

  private constructor(server: net.Server, options: RelayOptions) {
    this.#server = server;
    this.#maxQueued = options.maxQueued ?? MAX_QUEUED;
    this.#backplane = options.backplane;
  }

  /** Listen on the Unix socket `path`, and start the backplane if there is one (its failure closes the relay). */
  static async listen(path: string, options: RelayOptions = {}): Promise<BusRelay> {
    const relay = await new Promise<BusRelay>((resolve, reject) => {
      const server = net.createServer();
      const relay = new BusRelay(server, options);
      server.on("connection", (socket) => relay.#accept(socket));
      server.once("error", reject);
      server.listen(path, () => resolve(relay));
    });
    try {
      await options.backplane?.start((topic, message) => relay.#deliver(topic, message));
    } catch (error) {
      await relay.close();
      throw error;
    }
    return relay;
  }

  #accept(socket: net.Socket): void {
    const joined = new Set<string>();
    socket.on("error", () => {});
    socket.on("close", () => {
      for (const topic of joined) this.#leave(topic, socket);
    });
    const reader = new FrameReader((kind, topic, bytes, start, payload, end) => {
      if (kind === MESSAGE) {
        for (const other of this.#topics.get(topic) ?? []) if (other !== socket) this.#forward(other, bytes, start, end);
        this.#backplane?.send(topic, bytes.subarray(payload, end));
      } else if (kind === JOIN) {
        joined.add(topic);
        let set = this.#topics.get(topic);
        if (!set) {
          this.#topics.set(topic, set = new Set());
          this.#backplane?.join(topic);
        }
        set.add(socket);
      } else if (kind === LEAVE) {
        joined.delete(topic);
        this.#leave(topic, socket);
      }
    });
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
  }

  #forward(to: net.Socket, bytes: Buffer, start: number, end: number): void {
    if (to.destroyed) return;
    let box = this.#outboxes.get(to);
    if (!box) {
      if (this.#outboxes.size === 0) setImmediate(() => this.#flush());
      this.#outboxes.set(to, box = new Outbox());
    }
    if (to.writableLength + box.bytes + end - start > this.#maxQueued) {
      logLine("pubsub: a worker stopped reading its messages; disconnecting it from the others");
      to.destroy();
      this.#outboxes.delete(to);
      return;
    }
    box.add(bytes, start, end);
  }

  /** A message of another instance: one frame, forwarded to every worker in its topic. */
  #deliver(topic: string, message: Uint8Array): void {
    const members = this.#topics.get(topic);
    if (!members) return;
    const frame = oneFrame(MESSAGE, topic, message);
    for (const member of members) this.#forward(member, frame, 0, frame.length);
  }

  #flush(): void {
    const outboxes = this.#outboxes;
    this.#outboxes = new Map();
    for (const [socket, box] of outboxes) if (!socket.destroyed) box.writeTo(socket);
  }

  #leave(topic: string, socket: net.Socket): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    set.delete(socket);
    if (set.size > 0) return;
    this.#topics.delete(topic);
    this.#backplane?.leave(topic);
  }

  /** How many workers have joined `topic`. */
  members(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    await this.#backplane?.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A worker's side: the transport its server's pub/sub uses. */
export class BusTransport implements Transport {
  readonly #path: string;
  #socket: net.Socket | undefined;
  #stats: PubSubStats | undefined;
  readonly #batch: FrameBatch = new FrameBatch();
  #receive: ((topic: string, message: Uint8Array) => void) | undefined;
  /** The topics joined (the caller's set), joined again on every connection. */
  #joined: ReadonlySet<string> = new Set();
  #lost = false;
  #closed = false;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  start(receive: (topic: string, message: Uint8Array) => void, stats: PubSubStats, joined: ReadonlySet<string>): Promise<void> {
    this.#stats = stats;
    this.#receive = receive;
    this.#joined = joined;
    return this.#connect().catch((error: Error) => {
      throw new OmniserveError("ERR_PUBSUB", `cannot reach the workers' pub/sub relay at ${this.#path}: ${error.message}`);
    });
  }

  /**
   * Connect and join every topic in use (one joined before the connection,
   * or while it was down, included). A connection lost while the server runs
   * (the relay cuts off a worker it has queued too much for) is made again,
   * with backoff, so the worker is not left apart from the others for good.
   */
  #connect(): Promise<void> {
    const stats = this.#stats!;
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.#path);
      socket.setNoDelay(true);
      socket.once("connect", () => {
        this.#socket = socket;
        this.#retries = 0;
        for (const topic of this.#joined) this.#add(JOIN, topic);
        if (this.#lost) {
          this.#lost = false;
          stats.reconnects++;
          logLine("pubsub: back on the workers' relay");
        }
        stats.connected = true;
        socket.off("error", reject).on("error", () => {});
        resolve();
      });
      socket.once("error", reject);
      socket.on("close", () => {
        if (this.#socket !== socket) return; // never connected: the caller retries or reports it
        this.#socket = undefined;
        stats.connected = false;
        if (this.#closed) return;
        if (!this.#lost) logLine("pubsub: lost the workers' relay; messages to other workers are dropped until it is back");
        this.#lost = true;
        this.#retry();
      });
      const reader = new FrameReader((kind, topic, bytes, _start, payload, end) => {
        if (kind === MESSAGE) this.#receive!(topic, bytes.subarray(payload, end));
      });
      socket.on("data", (chunk: Buffer) => reader.push(chunk));
    });
  }

  #retry(): void {
    const wait = Math.min(50 * 2 ** this.#retries++, MAX_BACKOFF_MS);
    this.#timer = setTimeout(() => {
      if (!this.#closed) this.#connect().catch(() => this.#closed || this.#retry());
    }, wait);
  }

  join(topic: string): void {
    this.#add(JOIN, topic);
  }

  leave(topic: string): void {
    this.#add(LEAVE, topic);
  }

  send(topic: string, message: Wire): void {
    if (!this.#add(MESSAGE, topic, message)) this.#stats!.dropped++;
  }

  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#flush();
    this.#socket?.destroy();
    this.#socket = undefined;
    return Promise.resolve();
  }

  /** Add a frame to this turn's batch; false when there is no relay to send it to. */
  #add(kind: number, topic: string, payload?: Wire): boolean {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return false;
    if (this.#batch.empty) setImmediate(() => this.#flush());
    this.#batch.add(kind, topic, payload);
    return true;
  }

  #flush(): void {
    if (this.#batch.empty) return;
    const socket = this.#socket;
    const messages = this.#batch.messages;
    const bytes = this.#batch.take();
    if (socket && !socket.destroyed) socket.write(bytes);
    else this.#stats!.dropped += messages;
  }
}
