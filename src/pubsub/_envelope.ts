/**
 * How a published message crosses a process or machine boundary (Redis, or
 * the link between workers). Version 1, all integers unsigned:
 *
 *   byte 0      0x4f ("O"), marks an omniserve message
 *   byte 1      wire version (1)
 *   byte 2      flags: bit 0 binary (else UTF-8 text), bit 1 `compress`
 *               was given, bit 2 its value
 *   bytes 3-18  the publishing instance's id (16 random bytes), so an
 *               instance skips its own messages when the transport echoes them
 *   bytes 19-   the payload
 *
 * Every head byte is below 0x80 (an id is drawn from 64 ASCII characters), so
 * a text message is encoded as a string, head and text together: the
 * transport's socket turns it into UTF-8 bytes in one native step, with no
 * copy in JavaScript and one socket write, where bytes take three in the Redis
 * client (with two smaller fixes, 16% less CPU per message in a Deno profile:
 * bench/README.md).
 *
 * A message with another magic or version is not guessed at: it is dropped,
 * counted and logged, so instances of incompatible versions fail loudly.
 * @module
 */
import type { PublishOptions } from "../types.ts";

export const MAGIC = 0x4f;
export const WIRE_VERSION = 1;
/** Bytes of an envelope before its payload. */
export const HEAD = 19;
const BINARY = 1;
const HAS_COMPRESS = 2;
const COMPRESS = 4;
/** What an instance id is drawn from: 64 ASCII characters, so 96 random bits in 16 bytes. */
const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A message as it travels between instances: text as a string (UTF-8 on the wire), binary as bytes. */
export type Wire = string | Uint8Array;

/** A message from another instance, decoded. */
export interface Envelope {
  data: string | Uint8Array;
  options: PublishOptions | undefined;
}

/** Why a message could not be decoded. */
export type Malformed = { malformed: string };

/** A new random instance id: 16 bytes, each an ASCII character of {@link ID_CHARS}. */
function newOrigin(): Uint8Array {
  const id = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < id.length; i++) id[i] = ID_CHARS.charCodeAt(id[i] & 63);
  return id;
}

/** The flags byte; `compress: null` is no choice, as a local publish reads it (`compress ?? default`). */
const flagsOf = (binary: boolean, options: PublishOptions | undefined): number =>
  (binary ? BINARY : 0) | (options?.compress == null ? 0 : HAS_COMPRESS | (options.compress ? COMPRESS : 0));

/** Why `bytes` do not start with the head of a message this version reads; undefined when they do. */
export function foreignHead(bytes: Uint8Array): Malformed | undefined {
  if (bytes.byteLength < HEAD || bytes[0] !== MAGIC) return { malformed: "not an omniserve message" };
  if (bytes[1] !== WIRE_VERSION) return { malformed: `wire version ${bytes[1]}, this omniserve reads version ${WIRE_VERSION}` };
  return undefined;
}

/** Encodes and decodes the messages of one instance; the heads of its text messages are built once. */
export class Envelopes {
  readonly #origin: Uint8Array = newOrigin();
  /** The head as a string, by flags value. */
  readonly #heads: string[] = [];

  constructor() {
    const id = String.fromCharCode(...this.#origin);
    for (let flags = 0; flags < 8; flags++) this.#heads[flags] = String.fromCharCode(MAGIC, WIRE_VERSION, flags) + id;
  }

  /** `data` published by this instance: a string for text, bytes for binary. */
  encode(data: string | Uint8Array, options: PublishOptions | undefined): Wire {
    if (typeof data === "string") return this.#heads[flagsOf(false, options)] + data;
    const out = new Uint8Array(HEAD + data.byteLength);
    out[0] = MAGIC;
    out[1] = WIRE_VERSION;
    out[2] = flagsOf(true, options);
    out.set(this.#origin, 3);
    out.set(data, HEAD);
    return out;
  }

  /**
   * Decode a message, say why it is not one this version reads, or answer
   * undefined for this instance's own (echoed back; its payload is not decoded).
   */
  decode(bytes: Uint8Array): Envelope | Malformed | undefined {
    const foreign = foreignHead(bytes);
    if (foreign) return foreign;
    if (this.#isOwn(bytes)) return undefined;
    const flags = bytes[2];
    const payload = bytes.subarray(HEAD);
    let data: string | Uint8Array = payload;
    if (!(flags & BINARY)) {
      try {
        data = decoder.decode(payload);
      } catch {
        return { malformed: "text message that is not UTF-8" };
      }
    }
    return { data, options: flags & HAS_COMPRESS ? { compress: (flags & COMPRESS) !== 0 } : undefined };
  }

  /**
   * A copy of another instance's message as this instance's own: what the
   * supervisor of `--workers N` hands Redis for a worker, so it can tell the
   * copy Redis echoes back from a message of another machine.
   */
  restamp(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.byteLength);
    out.set(bytes);
    out.set(this.#origin, 3);
    return out;
  }

  /** True for a message this instance sent (or {@link restamp}ed), echoed back by the transport. */
  isOwn(bytes: Uint8Array): boolean {
    return !foreignHead(bytes) && this.#isOwn(bytes);
  }

  #isOwn(bytes: Uint8Array): boolean {
    const origin = this.#origin;
    for (let i = 0; i < 16; i++) if (bytes[3 + i] !== origin[i]) return false;
    return true;
  }
}
