/**
 * The pub/sub transport between the workers of one `omniserve serve
 * --workers N`: a small relay in the supervising process, reached over a Unix
 * domain socket with `node:net`, which Node, Deno and Bun all provide. One
 * socket per worker carries its messages in order, so each publisher's order
 * holds. The relay forwards a message only to the other workers that have
 * joined its topic. Across machines omniserve uses Redis instead; this never
 * leaves the host.
 *
 * Frame: u32 length of the rest (big-endian), u8 kind (1 join, 2 leave,
 * 3 message), u16 topic length, topic (UTF-8), then for a message the
 * envelope of `src/pubsub/_envelope.ts`.
 * @module
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import { OmniserveError } from "../src/_errors.ts";
import { logLine } from "../src/_log.ts";
import type { Wire } from "../src/pubsub/_envelope.ts";
import type { Transport } from "../src/pubsub/_shared.ts";
import type { PubSubStats } from "../src/types.ts";

const JOIN = 1;
const LEAVE = 2;
const MESSAGE = 3;
/** A worker that stops reading is cut off past this much queued for it, so the relay's memory stays bounded. */
const MAX_QUEUED = 64 * 1024 * 1024;

function encode(kind: number, topic: string, payload?: Wire): Buffer {
  const name = Buffer.from(topic, "utf8");
  const size = payload === undefined ? 0 : typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  const body = 1 + 2 + name.length + size;
  const out = Buffer.allocUnsafe(4 + body);
  out.writeUInt32BE(body, 0);
  out[4] = kind;
  out.writeUInt16BE(name.length, 5);
  name.copy(out, 7);
  if (typeof payload === "string") out.write(payload, 7 + name.length, "utf8");
  else if (payload) out.set(payload, 7 + name.length);
  return out;
}

/** Splits a byte stream into frames. */
function reader(onFrame: (kind: number, topic: string, payload: Buffer, whole: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let off = 0;
    while (pending.length - off >= 4) {
      const size = pending.readUInt32BE(off);
      if (pending.length - off - 4 < size) break;
      const whole = pending.subarray(off, off + 4 + size);
      const nameLength = whole.readUInt16BE(5);
      onFrame(whole[4], whole.toString("utf8", 7, 7 + nameLength), whole.subarray(7 + nameLength), whole);
      off += 4 + size;
    }
    pending = off === pending.length ? Buffer.alloc(0) : pending.subarray(off);
  };
}

/** The relay, run by the supervising process. */
export class BusRelay {
  readonly #server: net.Server;
  readonly #topics: Map<string, Set<net.Socket>> = new Map();

  private constructor(server: net.Server) {
    this.#server = server;
  }

  /** Listen on the Unix socket `path`. */
  static listen(path: string): Promise<BusRelay> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      const relay = new BusRelay(server);
      server.on("connection", (socket) => relay.#accept(socket));
      server.once("error", reject);
      server.listen(path, () => resolve(relay));
    });
  }

  #accept(socket: net.Socket): void {
    const joined = new Set<string>();
    socket.on("error", () => {});
    socket.on("close", () => {
      for (const topic of joined) this.#leave(topic, socket);
    });
    socket.on("data", reader((kind, topic, _payload, whole) => {
      if (kind === JOIN) {
        joined.add(topic);
        let set = this.#topics.get(topic);
        if (!set) this.#topics.set(topic, set = new Set());
        set.add(socket);
      } else if (kind === LEAVE) {
        joined.delete(topic);
        this.#leave(topic, socket);
      } else if (kind === MESSAGE) {
        for (const other of this.#topics.get(topic) ?? []) {
          if (other === socket) continue;
          if (other.writableLength > MAX_QUEUED) {
            logLine("pubsub: a worker stopped reading its messages; disconnecting it from the others");
            other.destroy();
            continue;
          }
          other.write(whole);
        }
      }
    }));
  }

  #leave(topic: string, socket: net.Socket): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.#topics.delete(topic);
  }

  /** How many workers have joined `topic`. */
  members(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A worker's side: the transport its server's pub/sub uses. */
export class BusTransport implements Transport {
  readonly #path: string;
  #socket: net.Socket | undefined;
  #stats: PubSubStats | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  start(receive: (topic: string, message: Uint8Array) => void, stats: PubSubStats, joined: ReadonlySet<string>): Promise<void> {
    this.#stats = stats;
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.#path);
      socket.setNoDelay(true);
      socket.once("connect", () => {
        this.#socket = socket;
        stats.connected = true;
        // Topics joined before the connection (join() had no socket to write to).
        for (const topic of joined) this.#write(encode(JOIN, topic));
        socket.off("error", reject).on("error", () => {});
        resolve();
      });
      socket.once("error", (error) =>
        reject(new OmniserveError("ERR_PUBSUB", `cannot reach the workers' pub/sub relay at ${this.#path}: ${error.message}`)));
      socket.on("close", () => {
        if (stats.connected) logLine("pubsub: lost the workers' relay; messages to other workers are dropped");
        stats.connected = false;
      });
      socket.on("data", reader((kind, topic, payload) => {
        if (kind === MESSAGE) receive(topic, payload);
      }));
    });
  }

  join(topic: string): void {
    this.#write(encode(JOIN, topic));
  }

  leave(topic: string): void {
    this.#write(encode(LEAVE, topic));
  }

  send(topic: string, message: Wire): void {
    if (!this.#write(encode(MESSAGE, topic, message))) this.#stats!.dropped++;
  }

  close(): Promise<void> {
    this.#socket?.destroy();
    this.#socket = undefined;
    return Promise.resolve();
  }

  #write(frame: Buffer): boolean {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return false;
    socket.write(frame);
    return true;
  }
}
