/**
 * A received message in crossws's `Message` shape. Text messages carry a
 * string, binary ones a Uint8Array, on every runtime; conversions are lazy.
 * @module
 */
import type { Message as CrosswsMessage, Peer as CrosswsPeer } from "crossws";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One received WebSocket message. */
export class WsMessage {
  readonly rawData: string | Uint8Array;
  readonly peer: CrosswsPeer;
  readonly event: undefined = undefined;
  #id: string | undefined;

  constructor(rawData: string | Uint8Array, peer: CrosswsPeer) {
    // Node's parser hands Buffers (views on the read chunk): the app gets a plain Uint8Array everywhere.
    this.rawData = typeof rawData === "string" || rawData.constructor === Uint8Array
      ? rawData
      : new Uint8Array(rawData.buffer, rawData.byteOffset, rawData.byteLength);
    this.peer = peer;
  }

  /** A random UUID, made on first read. */
  get id(): string {
    return this.#id ??= crypto.randomUUID();
  }

  /** The payload as sent: a string for text, a Uint8Array for binary. */
  get data(): string | Uint8Array {
    return this.rawData;
  }

  /** True when the client sent a binary frame. */
  get binary(): boolean {
    return typeof this.rawData !== "string";
  }

  text(): string {
    return typeof this.rawData === "string" ? this.rawData : decoder.decode(this.rawData);
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  uint8Array(): Uint8Array {
    return typeof this.rawData === "string" ? encoder.encode(this.rawData) : this.rawData;
  }

  /** The message's bytes alone: a view on a larger buffer (a read chunk holding other frames) is copied. */
  arrayBuffer(): ArrayBuffer {
    const bytes = this.uint8Array();
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
  }

  blob(): Blob {
    return new Blob([this.uint8Array() as Uint8Array<ArrayBuffer>]);
  }

  toString(): string {
    return this.text();
  }

  [Symbol.toPrimitive](): string {
    return this.text();
  }
}

/** The message as crossws's type, for hooks. */
export function asCrosswsMessage(message: WsMessage): CrosswsMessage {
  return message as unknown as CrosswsMessage;
}
