/**
 * permessage-deflate (RFC 7692) on Node.js with `node:zlib`, in its simplest
 * interoperable form: both sides reset their compression context after
 * every message (`server_no_context_takeover; client_no_context_takeover`),
 * so each message is compressed and inflated on its own, synchronously, and
 * a broadcast is compressed once for every subscriber.
 * @module
 */
import zlib from "node:zlib";

/** Messages smaller than this go out uncompressed (RFC 7692 lets each message choose). */
export const DEFLATE_THRESHOLD = 1024;

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

/** Inflate one message; undefined when it would pass `max` bytes. Throws on corrupt data. */
export function inflate(data: Uint8Array, max: number): Uint8Array | undefined {
  try {
    return zlib.inflateRawSync(Buffer.concat([data, TAIL]), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, max),
    });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw error;
  }
}

/** Compress one message for the wire (the trailing 00 00 ff ff removed). */
export function deflate(data: Uint8Array, windowBits: number): Uint8Array {
  const out = zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, windowBits });
  return out.subarray(0, out.length - 4);
}
