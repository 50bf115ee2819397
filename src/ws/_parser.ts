/**
 * Client-to-server frame parser (RFC 6455 section 5). It enforces what a
 * server must: every frame masked, no reserved bits, valid opcodes, control
 * frames short and unfragmented, fragments in order, text valid UTF-8, and
 * no message over `maxPayloadLength`. A violation is reported once, with the
 * close code to send, and the parser stops. Each check runs as soon as the
 * bytes it needs have arrived (a control frame's length is judged from its
 * first two bytes), as `ws`'s Receiver does; a differential fuzz test keeps
 * the two in step.
 *
 * A compressed message may inflate asynchronously. Until it has, the parser
 * holds every later byte (messages, control frames and close alike stay in
 * order) and `push()` returns false so the caller can stop reading.
 * @module
 */
import { concatBytes } from "../_bytes.ts";
import { CloseCode, isSendableCloseCode } from "./_close.ts";
import { OPCODE } from "./_frame.ts";
import { decodeUtf8 } from "./_utf8.ts";

/**
 * What the parser reports: synchronously inside `push()`, or, after an
 * asynchronous inflate, when it completes.
 */
export interface ParserEvents {
  /** A whole message: text already decoded, binary as bytes. */
  message(data: string | Uint8Array): void;
  ping(data: Uint8Array): void;
  pong(data: Uint8Array): void;
  /** The client's close frame; code 1005 when it carried none. */
  close(code: number, reason: string): void;
  /** A protocol violation; send `code` and close. */
  fail(code: number, reason: string): void;
  /** An asynchronous inflate finished and the parser takes bytes again (after `push()` returned false). */
  resume?(): void;
}

/**
 * Decompress one permessage-deflate message (RFC 7692) and call `done` once,
 * now or later: with the bytes, with 1009 as soon as the output passes `max`
 * (without inflating the rest), or with 1007 for corrupt data.
 */
export type Inflate = (data: Uint8Array, max: number, done: (result: Uint8Array | number) => void) => void;

const EMPTY = new Uint8Array(0);

/** Parses a byte stream into messages; one per connection. */
export class FrameParser {
  readonly #max: number;
  readonly #on: ParserEvents;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #need = 2;
  #fragments: Uint8Array[] = [];
  #fragmentLength = 0;
  #fragmentOpcode = -1;
  #compressed = false;
  #done = false;
  /** An inflate is running; bytes wait in `#pending`. */
  #waiting = false;
  readonly #inflate: Inflate | undefined;

  /** With `inflate`, permessage-deflate was negotiated and RSV1 marks a compressed message. */
  constructor(maxPayloadLength: number, events: ParserEvents, inflate?: Inflate) {
    this.#max = maxPayloadLength;
    this.#on = events;
    this.#inflate = inflate;
  }

  /**
   * Feed bytes from the socket. The parser may unmask `chunk` in place.
   * Returns false while a compressed message is inflating: the caller should
   * stop reading until `resume` is reported.
   */
  push(chunk: Uint8Array): boolean {
    if (this.#done) return true;
    this.#pending.push(chunk);
    this.#pendingLength += chunk.length;
    if (this.#waiting) return false;
    this.#drain();
    return !this.#waiting;
  }

  /** Parse what is pending. */
  #drain(): void {
    if (this.#pendingLength < this.#need) return;
    const buf = concatBytes(this.#pending, this.#pendingLength);
    const used = this.#parse(buf);
    const rest = buf.length - used;
    this.#pending = rest > 0 && !this.#done ? [buf.subarray(used)] : [];
    this.#pendingLength = this.#done ? 0 : rest;
  }

  /** Parse whole frames from `buf`; returns how many bytes were used. */
  #parse(buf: Uint8Array): number {
    let off = 0;
    while (!this.#done && !this.#waiting) {
      const avail = buf.length - off;
      if (avail < 2) return (this.#need = 2, off);
      const b0 = buf[off];
      const b1 = buf[off + 1];
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const rsv1 = (b0 & 0x40) !== 0;
      if (b0 & 0x30 || (rsv1 && !this.#inflate)) return this.#fail(CloseCode.protocolError, "reserved bits set", off);
      if (rsv1 && (opcode >= 8 || opcode === OPCODE.continuation)) {
        return this.#fail(CloseCode.protocolError, "RSV1 on a control or continuation frame", off);
      }
      const control = opcode >= 8;
      if (control) {
        if (opcode > OPCODE.pong) return this.#fail(CloseCode.protocolError, "unknown opcode", off);
        if (!fin) return this.#fail(CloseCode.protocolError, "fragmented control frame", off);
        const short = b1 & 0x7f;
        if (short > 125) return this.#fail(CloseCode.protocolError, "control frame too long", off);
        if (opcode === OPCODE.close && short === 1) return this.#fail(CloseCode.protocolError, "invalid close code", off);
      } else if (opcode > OPCODE.binary) {
        return this.#fail(CloseCode.protocolError, "unknown opcode", off);
      } else if (opcode === OPCODE.continuation) {
        if (this.#fragmentOpcode < 0) return this.#fail(CloseCode.protocolError, "continuation without a start", off);
      } else if (this.#fragmentOpcode >= 0) {
        return this.#fail(CloseCode.protocolError, "new message inside a fragmented one", off);
      }
      if (!(b1 & 0x80)) return this.#fail(CloseCode.protocolError, "client frame not masked", off);
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (avail < 4) return (this.#need = 4, off);
        len = (buf[off + 2] << 8) | buf[off + 3];
        head = 4;
      } else if (len === 127) {
        if (avail < 10) return (this.#need = 10, off);
        const high = ((buf[off + 2] << 24) | (buf[off + 3] << 16) | (buf[off + 4] << 8) | buf[off + 5]) >>> 0;
        const low = ((buf[off + 6] << 24) | (buf[off + 7] << 16) | (buf[off + 8] << 8) | buf[off + 9]) >>> 0;
        len = high * 2 ** 32 + low;
        head = 10;
      }
      if (!control && this.#fragmentLength + len > this.#max) {
        return this.#fail(CloseCode.tooBig, "message too big", off);
      }
      const total = head + 4 + len;
      if (avail < total) return (this.#need = total, off);
      const start = off + head + 4;
      const payload = len === 0 ? EMPTY : buf.subarray(start, start + len);
      unmask(payload, buf, off + head);
      off += total;
      if (control) this.#control(opcode, payload);
      else {
        if (opcode !== OPCODE.continuation) this.#compressed = rsv1;
        this.#data(opcode, fin, payload);
      }
    }
    // Stopped for an inflate (or done): the next frame needs its first two bytes again.
    this.#need = 2;
    return off;
  }

  #control(opcode: number, payload: Uint8Array): void {
    if (opcode === OPCODE.ping) return this.#on.ping(payload);
    if (opcode === OPCODE.pong) return this.#on.pong(payload);
    if (payload.length === 0) {
      this.#done = true;
      return this.#on.close(CloseCode.noStatus, "");
    }
    const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 0;
    if (!isSendableCloseCode(code)) {
      this.#fail(CloseCode.protocolError, "invalid close code", 0);
      return;
    }
    const reason = decodeUtf8(payload.subarray(2));
    if (reason === undefined) {
      this.#fail(CloseCode.invalidData, "close reason is not UTF-8", 0);
      return;
    }
    this.#done = true;
    this.#on.close(code, reason);
  }

  #data(opcode: number, fin: boolean, payload: Uint8Array): void {
    if (opcode !== OPCODE.continuation && fin) return this.#deliver(opcode, payload);
    if (opcode !== OPCODE.continuation) this.#fragmentOpcode = opcode;
    this.#fragments.push(payload);
    this.#fragmentLength += payload.length;
    if (!fin) return;
    const whole = concatBytes(this.#fragments, this.#fragmentLength);
    const first = this.#fragmentOpcode;
    this.#fragments = [];
    this.#fragmentLength = 0;
    this.#fragmentOpcode = -1;
    this.#deliver(first, whole);
  }

  #deliver(opcode: number, payload: Uint8Array): void {
    if (!this.#compressed) return this.#emit(opcode, payload);
    // Hold every later byte until this message is out: order is the protocol's.
    this.#waiting = true;
    let sync = true;
    let early: Uint8Array | number | undefined;
    this.#inflate!(payload, this.#max, (result) => {
      if (sync) return void (early = result);
      this.#waiting = false;
      this.#inflated(opcode, result);
      if (!this.#done) this.#drain();
      if (!this.#waiting) this.#on.resume?.();
    });
    sync = false;
    if (early === undefined) return;
    this.#waiting = false;
    this.#inflated(opcode, early);
  }

  #inflated(opcode: number, result: Uint8Array | number): void {
    if (typeof result !== "number") return this.#emit(opcode, result);
    if (result === CloseCode.tooBig) this.#fail(CloseCode.tooBig, "message too big", 0);
    else this.#fail(CloseCode.invalidData, "invalid compressed data", 0);
  }

  #emit(opcode: number, payload: Uint8Array): void {
    if (opcode === OPCODE.binary) return this.#on.message(payload);
    const text = decodeUtf8(payload);
    if (text === undefined) this.#fail(CloseCode.invalidData, "invalid UTF-8 in a text message", 0);
    else this.#on.message(text);
  }

  #fail(code: number, reason: string, off: number): number {
    this.#done = true;
    this.#on.fail(code, reason);
    return off;
  }
}

function unmask(payload: Uint8Array, buf: Uint8Array, keyAt: number): void {
  const k0 = buf[keyAt], k1 = buf[keyAt + 1], k2 = buf[keyAt + 2], k3 = buf[keyAt + 3];
  const n = payload.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    payload[i] ^= k0;
    payload[i + 1] ^= k1;
    payload[i + 2] ^= k2;
    payload[i + 3] ^= k3;
  }
  for (; i < n; i++) payload[i] ^= buf[keyAt + (i & 3)];
}
