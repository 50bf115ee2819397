/**
 * The frames of the workers' relay (`bus.ts`), batched per turn of the event
 * loop. Frame: u32 length of the rest (big-endian), u8 kind (1 join, 2 leave,
 * 3 message), u32 topic length (a topic may be longer than 64 KiB, as it may
 * in one process), topic (UTF-8), then for a message the
 * envelope of `src/pubsub/_envelope.ts`.
 *
 * A worker writes every frame of a turn into one buffer and the socket gets
 * it in one write: a write per message was the relay's largest cost (one
 * system call per message, one for each worker it went to, and Node's stream
 * machinery around each; bench/README.md, "Workers rows"). The reader hands
 * each frame out as a slice of the bytes read, so the relay forwards them as
 * they came, and it decodes a topic name only when it differs from the last.
 * @module
 */
import { Buffer } from "node:buffer";
import type { Wire } from "../src/pubsub/_envelope.ts";

export const JOIN = 1;
export const LEAVE = 2;
export const MESSAGE = 3;
/** Bytes before the topic: length, kind, topic length. */
const HEAD = 9;
/** The smallest buffer a batch starts with. */
const MIN_BATCH = 4096;

/** The frames written in one turn of the loop, encoded into one buffer. */
export class FrameBatch {
  #buffer: Buffer = Buffer.allocUnsafe(0);
  #used = 0;
  /** How many messages (not joins or leaves) the batch holds. */
  messages = 0;
  #topic = "";
  #name: Buffer = Buffer.alloc(0);

  get empty(): boolean {
    return this.#used === 0;
  }

  add(kind: number, topic: string, payload?: Wire): void {
    if (topic !== this.#topic) {
      this.#topic = topic;
      this.#name = Buffer.from(topic, "utf8");
    }
    const name = this.#name;
    const size = frameSize(name, payload);
    const at = this.#reserve(size); // first: it may replace the buffer
    writeFrame(this.#buffer, at, size, kind, name, payload);
    if (kind === MESSAGE) this.messages++;
  }

  /** The batch's bytes; the batch starts over empty (the socket keeps the bytes until they are sent). */
  take(): Buffer {
    const bytes = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(0);
    this.#used = 0;
    this.messages = 0;
    return bytes;
  }

  /** Room for `size` more bytes; grows by doubling, so a busy turn copies each byte a bounded number of times. */
  #reserve(size: number): number {
    const at = this.#used;
    if (at + size > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(MIN_BATCH, 2 * this.#buffer.length, at + size));
      this.#buffer.copy(grown, 0, 0, at);
      this.#buffer = grown;
    }
    this.#used = at + size;
    return at;
  }
}

function frameSize(name: Buffer, payload: Wire | undefined): number {
  const size = payload === undefined ? 0 : typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  return HEAD + name.length + size;
}

function writeFrame(out: Buffer, at: number, size: number, kind: number, name: Buffer, payload: Wire | undefined): void {
  out.writeUInt32BE(size - 4, at);
  out[at + 4] = kind;
  out.writeUInt32BE(name.length, at + 5);
  out.set(name, at + HEAD);
  if (typeof payload === "string") out.write(payload, at + HEAD + name.length, "utf8");
  else if (payload) out.set(payload, at + HEAD + name.length);
}

/** One frame in a buffer of its own (a message from Redis, sent as is to every worker in its topic). */
export function oneFrame(kind: number, topic: string, payload?: Wire): Buffer {
  const name = Buffer.from(topic, "utf8");
  const size = frameSize(name, payload);
  const out = Buffer.allocUnsafe(size);
  writeFrame(out, 0, size, kind, name, payload);
  return out;
}

/** One frame as read: `bytes.subarray(start, end)` is the whole frame, `payload` where its envelope starts. */
export type OnFrame = (kind: number, topic: string, bytes: Buffer, start: number, payload: number, end: number) => void;

/**
 * Splits a byte stream into frames. A frame split across reads is gathered
 * and joined once, when its last byte arrives; whole frames are not copied.
 */
export class FrameReader {
  readonly #onFrame: OnFrame;
  /** The start of a frame not yet complete, as read. */
  #parts: Buffer[] = [];
  #held = 0;
  #topic = "";
  #name: Buffer = Buffer.alloc(0);

  constructor(onFrame: OnFrame) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    let off = 0;
    if (this.#held > 0) {
      off = this.#complete(chunk);
      if (off < 0) return;
    }
    while (chunk.length - off >= 4) {
      const end = off + 4 + chunk.readUInt32BE(off);
      if (end > chunk.length) break;
      this.#emit(chunk, off, end);
      off = end;
    }
    if (off < chunk.length) this.#hold(chunk.subarray(off));
  }

  /** Finish the held frame with the start of `chunk`; answers where the rest of `chunk` starts, or -1 if it is all held. */
  #complete(chunk: Buffer): number {
    let head = this.#parts[0];
    if (head.length < 4) {
      // Fewer than 4 bytes held: the length is not known yet. Join the few held bytes with the chunk.
      head = Buffer.concat([...this.#parts, chunk]);
      this.#parts = [];
      this.#held = 0;
      this.push(head);
      return -1;
    }
    const size = 4 + head.readUInt32BE(0);
    const missing = size - this.#held;
    if (chunk.length < missing) {
      this.#hold(chunk);
      return -1;
    }
    this.#parts.push(chunk.subarray(0, missing));
    const frame = Buffer.concat(this.#parts, size);
    this.#parts = [];
    this.#held = 0;
    this.#emit(frame, 0, size);
    return missing;
  }

  #hold(bytes: Buffer): void {
    this.#parts.push(bytes);
    this.#held += bytes.length;
  }

  #emit(bytes: Buffer, start: number, end: number): void {
    const length = bytes.readUInt32BE(start + 5);
    const from = start + HEAD;
    this.#onFrame(bytes[start + 4], this.#topicOf(bytes, from, length), bytes, start, from + length, end);
  }

  /** The topic at `bytes[from..from+length]`: the last one again when the bytes match it. */
  #topicOf(bytes: Buffer, from: number, length: number): string {
    const name = this.#name;
    if (name.length === length) {
      let i = 0;
      while (i < length && bytes[from + i] === name[i]) i++;
      if (i === length) return this.#topic;
    }
    this.#name = Buffer.from(bytes.subarray(from, from + length));
    return (this.#topic = this.#name.toString("utf8"));
  }
}
