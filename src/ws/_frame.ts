/**
 * Server-to-client frames (never masked). A broadcast encodes its frame once
 * and writes the same bytes to every subscriber.
 * @module
 */

import { fitReason } from "./_close.ts";

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

const encoder = new TextEncoder();

/** What a peer may send: text stays text, bytes stay binary, anything else is JSON text. */
export type SendData = string | ArrayBuffer | ArrayBufferView | unknown;

/**
 * `data` as a runtime WebSocket sends it: a string stays text, bytes (any
 * view or ArrayBuffer) become a Uint8Array without copying, and anything
 * else becomes JSON text. Every adapter sends through this one rule.
 */
export function toWire(data: SendData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof Uint8Array) return data.buffer instanceof ArrayBuffer ? data : new Uint8Array(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return toWire(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (isShared(data)) return new Uint8Array(data).slice();
  return textOf(data);
}

/**
 * Bytes on a SharedArrayBuffer are copied: Deno's WebSocket refuses them (a
 * TypeError), Node and Bun sent them, and the memory could change under a send.
 */
function isShared(data: unknown): data is SharedArrayBuffer {
  return typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer;
}

/** The length in bytes of a message from {@link toWire}: UTF-8 for text, counted without encoding it. */
export function wireLength(wire: string | Uint8Array): number {
  if (typeof wire !== "string") return wire.byteLength;
  let length = wire.length;
  for (let at = 0; at < wire.length; at++) {
    const code = wire.charCodeAt(at);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code < 0xdc00 && code >= 0xd800 && (wire.charCodeAt(at + 1) & 0xfc00) === 0xdc00) (length += 2, at++); // a pair: 4 bytes
    else length += 2; // 3 bytes, a lone surrogate's U+FFFD too
  }
  return length;
}

/** `data` as the opcode and bytes of one message, by the rule of {@link toWire}. */
export function toPayload(data: SendData): { opcode: number; bytes: Uint8Array } {
  const wire = toWire(data);
  return typeof wire === "string"
    ? { opcode: OPCODE.text, bytes: encoder.encode(wire) }
    : { opcode: OPCODE.binary, bytes: wire };
}

/**
 * Non-binary, non-string data as text, as crossws sends it: nothing for null
 * and undefined, `{}` for a function or symbol, JSON for plain values,
 * `String()` otherwise. A Blob is a TypeError: its bytes can only be read
 * later, and sending its JSON (`{}`) would lose them without a word.
 */
export function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data === null || data === undefined) return "";
  if (typeof data === "function" || typeof data === "symbol") return "{}";
  if (typeof data !== "object") return String(data);
  if (typeof Blob === "function" && data instanceof Blob) {
    throw new TypeError("peer.send() cannot send a Blob: send its bytes (await blob.bytes())");
  }
  const own = (data as { toString?: unknown }).toString;
  return own === Object.prototype.toString || own === Array.prototype.toString
    ? JSON.stringify(data)
    : String(data);
}

/** One complete frame carrying `payload`; `compressed` sets RSV1 (permessage-deflate). */
export function encodeFrame(opcode: number, payload: Uint8Array, compressed = false): Uint8Array {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = new Uint8Array(head + len);
  out[0] = 0x80 | (compressed ? 0x40 : 0) | opcode;
  if (len < 126) out[1] = len;
  else if (len < 65536) {
    out[1] = 126;
    out[2] = len >>> 8;
    out[3] = len & 0xff;
  } else {
    out[1] = 127;
    const view = new DataView(out.buffer);
    view.setUint32(2, Math.floor(len / 2 ** 32));
    view.setUint32(6, len >>> 0);
  }
  out.set(payload, head);
  return out;
}

/** A data frame for `data`, encoded once. */
export function encodeMessage(data: SendData): Uint8Array {
  const { opcode, bytes } = toPayload(data);
  return encodeFrame(opcode, bytes);
}

/** A close frame; the reason is cut to fit the 125-byte control-frame limit. */
export function encodeClose(code: number | undefined, reason = ""): Uint8Array {
  if (code === undefined) return encodeFrame(OPCODE.close, new Uint8Array(0));
  const text = encoder.encode(fitReason(reason));
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return encodeFrame(OPCODE.close, payload);
}
