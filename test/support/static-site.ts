/**
 * What the serveStatic() and compress() cases expect of test/fixture/static:
 * a file's bytes and validators as the contract defines them, and a
 * response's headers without the framing each runtime writes its own way.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RawResponse } from "./http-client.ts";

export const SITE = "test/fixture/static";

/** Bytes of a fixture file. */
export function bytesOf(name: string): Buffer {
  return readFileSync(join(SITE, name));
}

/** The ETag and Last-Modified serveStatic() sends for a fixture file (`suffix` for a precompressed sibling). */
export function validatorsOf(name: string, suffix = ""): { etag: string; lastModified: string } {
  const stat = statSync(join(SITE, name));
  return {
    etag: `"${Math.trunc(stat.mtimeMs).toString(16)}-${stat.size.toString(16)}${suffix}"`,
    lastModified: new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString(),
  };
}

/** Framing and connection management: each runtime writes these its own way (RFC 9112), and Date changes. */
const FRAMING = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

/** The response's headers without framing, sorted, as one object (the cases compare whole sets). */
export function headersOf(res: RawResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of [...res.headers].sort(([a], [b]) => a.localeCompare(b))) {
    if (!FRAMING.has(name)) out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** The headers a 200 for the whole fixture file `name` carries. */
export function fileHeaders(name: string, contentType: string, extra: Record<string, string> = {}): Record<string, string> {
  const { etag, lastModified } = validatorsOf(name);
  return {
    "accept-ranges": "bytes",
    "cache-control": "public, max-age=0",
    "content-length": String(bytesOf(name).length),
    "content-type": contentType,
    etag,
    "last-modified": lastModified,
    ...extra,
  };
}
