/**
 * Differential fuzz test of the client-frame parser (src/ws/_parser.ts)
 * against `ws`'s Receiver, the parser most Node servers trust: 10,000 seeded
 * random client byte streams (bad masks, reserved bits, unknown opcodes,
 * invalid UTF-8, fragments with control frames between them, close codes and
 * reasons, lengths around maxPayloadLength, truncation, garbage), each split
 * at random points, must give the same verdict: the same messages, pings,
 * pongs and close, and the same close code on failure. Node only: it tests
 * the parser, not a runtime.
 */
import * as wsModule from "ws";
import { describe, expect, test } from "vitest";
import { FrameParser } from "../../src/ws/_parser.ts";
import { prng } from "../support/prng.ts";

// ws exports its Receiver (ESM wrapper); @types/ws does not declare it.
const Receiver = (wsModule as unknown as { Receiver: new (options: object) => unknown }).Receiver;

/** The close code ws puts on a Receiver error, under its private `Symbol('status-code')`. */
function statusCode(error: Error): number {
  const key = Object.getOwnPropertySymbols(error).find((k) => k.description === "status-code");
  return key ? (error as unknown as Record<symbol, number>)[key] : NaN;
}

const SEED = 0x6f6d6e69;
const STREAMS = 10_000;
const MAX = 512;

/** One stream's generator, drawing from `rnd`. */
class Streams {
  readonly #rnd: () => number;

  constructor(rnd: () => number) {
    this.#rnd = rnd;
  }

  int(n: number): number {
    return Math.floor(this.#rnd() * n);
  }

  chance(p: number): boolean {
    return this.#rnd() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** Valid UTF-8 of up to `n` code points, multi-byte ones included. */
  text(n: number): Buffer {
    let s = "";
    for (let i = 0; i < n; i++) {
      const kind = this.int(10);
      const cp = kind < 6 ? 0x20 + this.int(0x5f) : kind < 8 ? 0x80 + this.int(0x780) : kind < 9
        ? 0x800 + this.int(0xd000 - 0x800)
        : 0x10000 + this.int(0x100000);
      s += String.fromCodePoint(cp);
    }
    return Buffer.from(s);
  }

  /** Bytes that are not valid UTF-8, or valid text cut inside a multi-byte character. */
  badText(): Buffer {
    const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];
    const parts = [this.text(this.int(8)), Buffer.from(this.pick(bad)), this.text(this.int(8))];
    return Buffer.concat(this.chance(0.5) ? parts : parts.slice(0, 2));
  }

  payload(): Buffer {
    const size = this.pick([0, 1, 5, 30, 125, 126, 300, MAX - 1, MAX, MAX + 1, 2 * MAX]);
    const kind = this.int(4);
    if (kind === 0) return this.bytes(size);
    if (kind === 1) return this.badText();
    return this.text(Math.max(0, Math.floor(size / 2)));
  }

  closePayload(): Buffer {
    if (this.chance(0.15)) return this.chance(0.5) ? Buffer.alloc(0) : this.bytes(1);
    const code = this.chance(0.7)
      ? this.pick([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999])
      : this.pick([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]);
    const reason = this.chance(0.2) ? this.badText() : this.text(this.int(20));
    const out = Buffer.alloc(2 + reason.length);
    out.writeUInt16BE(code, 0);
    reason.copy(out, 2);
    return out.subarray(0, this.chance(0.05) ? 200 : 125);
  }

  /** One frame; mostly well formed, sometimes broken in one field. */
  frame(opcode: number, payload: Buffer, fin = true): Buffer {
    let rsv = 0;
    if (this.chance(0.04)) rsv = this.pick([1, 2, 4, 7]);
    if (this.chance(0.03)) opcode = this.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]);
    if (this.chance(0.03)) fin = !fin;
    const mask = !this.chance(0.04);
    const len = payload.length;
    const form = this.chance(0.1) ? this.pick([126, 127]) : len < 126 ? 0 : len < 65536 ? 126 : 127;
    const head = Buffer.alloc(form === 0 ? 2 : form === 126 ? 4 : 10);
    head[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
    if (form === 0) head[1] = len;
    else if (form === 126) (head[1] = 126, head.writeUInt16BE(len, 2));
    else {
      head[1] = 127;
      head.writeBigUInt64BE(this.chance(0.02) ? 2n ** 60n : BigInt(len), 2);
    }
    if (!mask) return Buffer.concat([head, payload]);
    head[1] |= 0x80;
    const key = this.chance(0.1) ? Buffer.alloc(4) : this.bytes(4);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
    return Buffer.concat([head, key, body]);
  }

  /** A control frame of any kind. */
  control(): Buffer {
    const opcode = this.pick([8, 9, 9, 10, 10]);
    const payload = opcode === 8 ? this.closePayload() : this.bytes(this.chance(0.05) ? 126 : this.int(40));
    return this.frame(opcode, payload);
  }

  /** A whole message, fragmented or not, maybe with control frames between its fragments. */
  message(): Buffer[] {
    const opcode = this.pick([1, 2]);
    const payload = this.payload();
    if (this.chance(0.6)) return [this.frame(opcode, payload)];
    const frames: Buffer[] = [];
    const cuts = [0, ...Array.from({ length: 1 + this.int(3) }, () => this.int(payload.length + 1)).sort((a, b) => a - b), payload.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const last = i + 2 === cuts.length;
      frames.push(this.frame(i === 0 ? opcode : 0, payload.subarray(cuts[i], cuts[i + 1]), last));
      if (!last && this.chance(0.3)) frames.push(this.control());
    }
    return frames;
  }

  stream(): Buffer {
    const frames: Buffer[] = [];
    const count = 1 + this.int(5);
    for (let i = 0; i < count; i++) {
      if (this.chance(0.25)) frames.push(this.control());
      else frames.push(...this.message());
    }
    if (this.chance(0.05)) frames.push(this.bytes(1 + this.int(12)));
    let bytes = Buffer.concat(frames);
    if (this.chance(0.1)) bytes = bytes.subarray(0, this.int(bytes.length + 1));
    return bytes;
  }

  /** `bytes` cut at random points, as a socket might deliver them. */
  chunks(bytes: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      const n = this.chance(0.3) ? 1 + this.int(4) : 1 + this.int(bytes.length);
      out.push(bytes.subarray(at, at + n));
      at += n;
    }
    return out;
  }
}

const show = (data: Uint8Array): string => Buffer.from(data).toString("hex");

/** Our verdict: every event in order, ending at a close or a failure. */
function ours(chunks: Buffer[]): string[] {
  const seen: string[] = [];
  const parser = new FrameParser(MAX, {
    message: (d) => seen.push(typeof d === "string" ? `text:${show(Buffer.from(d))}` : `binary:${show(d)}`),
    ping: (d) => seen.push(`ping:${show(d)}`),
    pong: (d) => seen.push(`pong:${show(d)}`),
    close: (code, reason) => seen.push(`close:${code}:${show(Buffer.from(reason))}`),
    fail: (code) => seen.push(`fail:${code}`),
  });
  // The parser unmasks in place: give it its own copy.
  for (const chunk of chunks) parser.push(Buffer.from(chunk));
  return seen;
}

interface WsReceiver {
  on(event: string, listener: (...args: never[]) => void): void;
  /** Writable's `_write`, called directly as ws's own tests do, so a failure is reported synchronously. */
  _write(chunk: Buffer, encoding: string, cb: (error?: Error) => void): void;
}

/** ws's verdict, from the events its Receiver emits. */
function theirs(chunks: Buffer[]): string[] {
  const seen: string[] = [];
  let stopped = false;
  const receiver = new Receiver({ isServer: true, maxPayload: MAX, binaryType: "nodebuffer" }) as unknown as WsReceiver;
  receiver.on("message", (d: Buffer, binary: boolean) => seen.push(`${binary ? "binary" : "text"}:${show(d)}`));
  receiver.on("ping", (d: Buffer) => seen.push(`ping:${show(d)}`));
  receiver.on("pong", (d: Buffer) => seen.push(`pong:${show(d)}`));
  receiver.on("conclude", (code: number, reason: Buffer) => {
    stopped = true;
    seen.push(`close:${code}:${show(reason)}`);
  });
  receiver.on("error", () => {});
  for (const chunk of chunks) {
    if (stopped) break;
    receiver._write(Buffer.from(chunk), "buffer", (error) => {
      if (!error) return;
      stopped = true;
      seen.push(`fail:${statusCode(error)}`);
    });
  }
  return seen;
}

describe("FrameParser against ws's Receiver", () => {
  test("FrameParser() gives ws's verdict on 10,000 seeded random client streams", () => {
    const gen = new Streams(prng(SEED));
    const kinds = new Map<string, number>();
    const differ: string[] = [];
    for (let i = 0; i < STREAMS; i++) {
      const chunks = gen.chunks(gen.stream());
      const a = ours(chunks);
      const b = theirs(chunks);
      const last = /^(?:fail:\d+|[a-z]+)/.exec(a.at(-1) ?? "none")![0];
      kinds.set(last, (kinds.get(last) ?? 0) + 1);
      if (JSON.stringify(a) !== JSON.stringify(b) && differ.length < 5) {
        differ.push(`stream ${i} (${Buffer.concat(chunks).toString("hex").slice(0, 200)}):\n  ours ${a.join(" ")}\n  ws   ${b.join(" ")}`);
      }
    }
    expect(differ).toEqual([]);
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries([...kinds].sort()));
    // The generator reaches every verdict, so agreeing means something.
    for (const verdict of ["fail:1002", "fail:1007", "fail:1009", "close", "text", "binary", "ping", "pong"]) {
      expect(kinds.get(verdict) ?? 0, `streams ending in ${verdict}`).toBeGreaterThan(200);
    }
  });
});
