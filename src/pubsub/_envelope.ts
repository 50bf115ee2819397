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
 * A message with another magic or version is not guessed at: it is dropped,
 * counted and logged, so instances of incompatible versions fail loudly.
 * @module
 */
import type { PublishOptions } from "../types.ts";

export const MAGIC = 0x4f;
export const WIRE_VERSION = 1;
const HEAD = 19;
const BINARY = 1;
const HAS_COMPRESS = 2;
const COMPRESS = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A message as it travels between instances. */
export interface Envelope {
  origin: Uint8Array;
  data: string | Uint8Array;
  options: PublishOptions | undefined;
}

/** A new random instance id. */
export function newOrigin(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

/** Encode `data` (a string or bytes) published by `origin`. */
export function encodeEnvelope(origin: Uint8Array, data: string | Uint8Array, options: PublishOptions | undefined): Uint8Array {
  const payload = typeof data === "string" ? encoder.encode(data) : data;
  const out = new Uint8Array(HEAD + payload.byteLength);
  out[0] = MAGIC;
  out[1] = WIRE_VERSION;
  out[2] = (typeof data === "string" ? 0 : BINARY) |
    (options?.compress === undefined ? 0 : HAS_COMPRESS | (options.compress ? COMPRESS : 0));
  out.set(origin, 3);
  out.set(payload, HEAD);
  return out;
}

/** Why a message could not be decoded. */
export type Malformed = { malformed: string };

/** Decode a message, or say why it is not one this version reads. */
export function decodeEnvelope(bytes: Uint8Array): Envelope | Malformed {
  if (bytes.byteLength < HEAD || bytes[0] !== MAGIC) return { malformed: "not an omniserve message" };
  if (bytes[1] !== WIRE_VERSION) {
    return { malformed: `wire version ${bytes[1]}, this omniserve reads version ${WIRE_VERSION}` };
  }
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
  return {
    origin: bytes.subarray(3, HEAD),
    data,
    options: flags & HAS_COMPRESS ? { compress: (flags & COMPRESS) !== 0 } : undefined,
  };
}

/** True when two instance ids are the same. */
export function sameOrigin(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
