/**
 * permessage-deflate (RFC 7692) on Node.js with `node:zlib`, in its simplest
 * interoperable form: both sides reset their compression context after
 * every message (`server_no_context_takeover; client_no_context_takeover`),
 * so each message is compressed and inflated on its own, and a broadcast is
 * compressed once for every subscriber.
 *
 * Only small work runs on the event loop: a message of at most 4 KiB is
 * deflated synchronously, and an inflate runs synchronously only while its
 * output stays within 16 KiB (costs of the order of setting up an
 * asynchronous job, measured at 50-300 µs here). Everything larger goes to
 * libuv's thread pool, at most {@link ZLIB_CONCURRENCY} jobs at once (as `ws`
 * does: many concurrent zlib streams fragment memory). Synchronous zlib on a
 * 16 MiB message held the loop for hundreds of milliseconds. A frame still
 * being compressed is a {@link PendingFrame}, which a broadcast shares among
 * its subscribers and each peer writes in its turn.
 * @module
 */
import zlib from "node:zlib";
import { CloseCode } from "../../src/ws/_close.ts";
import { encodeFrame } from "../../src/ws/_frame.ts";
import type { NodePeer } from "./_ws-peer.ts";

/** Messages smaller than this go out uncompressed (RFC 7692 lets each message choose). */
export const DEFLATE_THRESHOLD = 1024;
/** Largest message deflated on the event loop. */
const SYNC_DEFLATE = 4 * 1024;
/** Largest output an inflate may produce on the event loop before it moves to the thread pool. */
const SYNC_INFLATE = 16 * 1024;
/** zlib jobs in the thread pool at once, across every connection (ws's default). */
export const ZLIB_CONCURRENCY = 10;
/** Output chunk of the asynchronous jobs: fewer round trips to the loop than zlib's 16 KiB. */
const CHUNK = 64 * 1024;
const SYNC_FLUSH = zlib.constants.Z_SYNC_FLUSH;

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** The negotiated settings of one connection. */
export interface Deflate {
  /** The `Sec-WebSocket-Extensions` value of the 101 response. */
  header: string;
  windowBits: number;
}

/** Pick the first acceptable permessage-deflate offer, or undefined. */
export function negotiateDeflate(offers: string | undefined): Deflate | undefined {
  if (!offers) return undefined;
  for (const offer of offers.split(",")) {
    const [name, ...params] = offer.split(";").map((p) => p.trim());
    if (name !== "permessage-deflate") continue;
    const seen = new Set<string>();
    let windowBits = 15;
    let ok = true;
    for (const param of params) {
      const [key, raw] = param.split("=").map((p) => p.trim());
      const value = raw?.replace(/^"(.*)"$/, "$1");
      if (seen.has(key)) ok = false;
      seen.add(key);
      if (key === "server_max_window_bits") {
        const bits = Number(value);
        if (!Number.isInteger(bits) || bits < 9 || bits > 15) ok = false;
        else windowBits = bits;
      } else if (key === "client_max_window_bits") {
        if (value !== undefined && !/^(8|9|1[0-5])$/.test(value)) ok = false;
      } else if (key !== "server_no_context_takeover" && key !== "client_no_context_takeover") ok = false;
    }
    if (!ok) continue;
    let header = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
    if (seen.has("server_max_window_bits")) header += `; server_max_window_bits=${windowBits}`;
    return { header, windowBits };
  }
  return undefined;
}

let running = 0;
const waiting: Array<() => void> = [];

/** Run `job` when fewer than {@link ZLIB_CONCURRENCY} jobs are running; it calls `release` when done. */
function schedule(job: (release: () => void) => void): void {
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) next();
  };
  const start = () => {
    running++;
    job(release);
  };
  if (running < ZLIB_CONCURRENCY) start();
  else waiting.push(start);
}

function tooLarge(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "ERR_BUFFER_TOO_LARGE";
}

/**
 * Inflate one message and call `done` with the bytes, with 1009 once the
 * output passes `max` (zlib stops there: a small bomb never inflates whole),
 * or with 1007 for corrupt data. Small outputs finish before this returns.
 */
export function inflate(data: Uint8Array, max: number, done: (result: Uint8Array | number) => void): void {
  const input = Buffer.concat([data, TAIL]);
  const limit = Math.max(1, max);
  try {
    return done(zlib.inflateRawSync(input, { finishFlush: SYNC_FLUSH, maxOutputLength: Math.min(limit, SYNC_INFLATE) }));
  } catch (error) {
    if (!tooLarge(error)) return done(CloseCode.invalidData);
    if (limit <= SYNC_INFLATE) return done(CloseCode.tooBig);
  }
  schedule((release) => {
    zlib.inflateRaw(input, { finishFlush: SYNC_FLUSH, maxOutputLength: limit, chunkSize: CHUNK }, (error, out) => {
      release();
      if (!error) done(out);
      else done(tooLarge(error) ? CloseCode.tooBig : CloseCode.invalidData);
    });
  });
}

/** Compress one message for the wire (the trailing 00 00 ff ff removed); small ones before this returns. */
export function deflate(data: Uint8Array, windowBits: number, done: (packed: Uint8Array | undefined) => void): void {
  // Literal options: a spread object made each zlib construction measurably slower (twice the time in Zlib).
  if (data.length <= SYNC_DEFLATE) return done(strip(zlib.deflateRawSync(data, { finishFlush: SYNC_FLUSH, windowBits })));
  schedule((release) => {
    zlib.deflateRaw(data, { finishFlush: SYNC_FLUSH, windowBits, chunkSize: CHUNK }, (error, out) => {
      release();
      // Deflating bytes in memory fails only when memory runs out; the message is then left out.
      done(error ? undefined : strip(out));
    });
  });
}

function strip(out: Buffer): Uint8Array {
  return out.subarray(0, out.length - 4);
}

/** A compressed frame still being made; one broadcast shares it among its subscribers. */
export class PendingFrame {
  settled = false;
  frame: Uint8Array | undefined;
  /** The message's size before compression: what a peer counts against its limit while it waits. */
  readonly size: number;
  readonly #peers: NodePeer[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** `peer` writes this frame, in its turn, once it is ready. */
  add(peer: NodePeer): void {
    this.#peers.push(peer);
  }

  /** The frame is ready (undefined: compression failed and it is left out). */
  settle(frame: Uint8Array | undefined): void {
    this.settled = true;
    this.frame = frame;
    for (const peer of this.#peers) peer._flush();
  }
}

/** `bytes` as a Buffer without copying: a frame written to many sockets is converted once. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The RSV1 frame of `bytes`: at once when deflate finished synchronously, else pending. */
export function deflateFrame(opcode: number, bytes: Uint8Array, windowBits: number): Uint8Array | PendingFrame {
  let now: Uint8Array | undefined;
  let pending: PendingFrame | undefined;
  deflate(bytes, windowBits, (packed) => {
    const frame = packed && asBuffer(encodeFrame(opcode, packed, true));
    if (pending) pending.settle(frame);
    else now = frame;
  });
  return now ?? (pending = new PendingFrame(bytes.length));
}
