/**
 * Files on Bun: lookups with Bun's native `node:fs`, and `Bun.file()` (or a
 * slice of it for a range) as the body, which Bun.serve sends with
 * sendfile(2): no JavaScript touches the bytes.
 * @module
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, realpathSync, statSync } from "node:fs";
import { type FileHost, type FileInit, type FoundFile, isUnopenable, nodeFinder, nodeOpens } from "../../src/static/_files.ts";
import { bun } from "./host.ts";
import { NativeResponse } from "./_response.ts";

/**
 * What was last sent of each file, kept per version (size and modification
 * time, from this request's fresh lookup):
 * - the `Bun.file()`: building one cost about 4.5 µs of a request under load
 *   (timed in the server). Bun keeps the size it first read, so one file
 *   object serves only the version it was made for: a file that grew or
 *   shrank has another size and gets a new one, never a cut-short body. Bun
 *   opens the path on every send, so a rewrite of the same size and date
 *   still sends what is on disk now;
 * - the head of a whole file as a Headers object: Bun copies one into a
 *   Response in half the time it builds one from a plain object (1.8 µs
 *   against 3.7 for a file's six headers, measured), and the copy is the
 *   Response's own. Checked against every request's fresh head;
 * - the Response for the whole file with that head: each request gets a
 *   clone() (its own headers, the same file object), 1.3 µs less than a new
 *   Response under load (timed in the server: a 1 MiB sendfile between two
 *   requests leaves the CPU caches cold, so every step costs several times
 *   its cost in a loop).
 * Bounded; the oldest goes first. The paths kept are the ones serveStatic()
 * sent: what `goneAtSend()` recognises.
 */
interface Kept {
  size: number;
  mtimeMs: number;
  file: Blob;
  pairs: [string, string][] | undefined;
  response: Response | undefined;
}
const kept = new Map<string, Kept>();
const MAX_KEPT = 256;

function keptFor(found: FoundFile): Kept {
  const { real, size, mtimeMs } = found;
  const entry = kept.get(real);
  if (entry && entry.size === size && entry.mtimeMs === mtimeMs) return entry;
  if (!entry && kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  const fresh: Kept = { size, mtimeMs, file: bun().file(real), pairs: undefined, response: undefined };
  kept.set(real, fresh);
  return fresh;
}

/** The whole file with `init`'s head: a clone of the Response kept for that head and status. */
function wholeFile(entry: Kept, init: FileInit): Response {
  if (!entry.response || !samePairs(entry.pairs!, init.headers) || entry.response.status !== init.status) {
    entry.pairs = init.headers;
    entry.response = new NativeResponse(entry.file, { status: init.status, headers: new Headers(Object.fromEntries(init.headers)) });
  }
  return entry.response.clone();
}

function samePairs(a: [string, string][], b: [string, string][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  return true;
}

/**
 * A whole file for a request whose Range omniserve does not apply. Bun.serve
 * applies a request's Range itself to a 200 whose body is a whole
 * `Bun.file()` (its own parser, which takes `bytes = 0-4` and the first of
 * two Range headers), so the body is a slice that Bun does not count as
 * whole: one byte past the end of a file whose size Bun has not read (a fresh
 * `Bun.file()`; once the size is known, `slice()` clamps to it). Bun still
 * sends the file to its end, with sendfile(2). Rare (a Range with several
 * parts, or an If-Range that no longer holds), so the cached file object is
 * not used.
 */
function wholeIgnoringRange(found: FoundFile, init: FileInit): Response {
  keptFor(found); // its path is one serveStatic() sent (goneAtSend)
  const body = bun().file(found.real).slice(0, found.size + 1);
  return new NativeResponse(body, { status: init.status, headers: Object.fromEntries(init.headers) });
}

const opens = nodeOpens({ openSync, fstatSync, closeSync, constants });

/**
 * True for the error Bun.serve reports when it cannot open or read a file
 * serveStatic() sent (removed since the lookup, a folder or a dangling
 * symlink in its place, unreadable): the server's `error` hook then sends
 * serveStatic()'s 404, and logs nothing. Bun opens a `Bun.file()` body only
 * when it sends it, after any middleware, so this covers the whole time from
 * the lookup to the open; a check before returning the Response would only
 * shorten it (and cost about 7% of a 1 MiB file's CPU: three system calls).
 */
export function goneAtSend(error: unknown): boolean {
  const { path, code } = (error ?? {}) as { path?: unknown; code?: unknown };
  return typeof path === "string" && kept.has(path) && (code === "EISDIR" || isUnopenable(error));
}

export const bunFiles: FileHost = {
  find: nodeFinder({ realpathSync, statSync, lstatSync }),
  respond(found, start, end, init) {
    // With another answer than the 404, checked while serveStatic() can still give it (FileInit.fallback).
    if (init.fallback && !opens(found.real)) return undefined;
    if (init.rangeIgnored) return wholeIgnoringRange(found, init);
    const entry = keptFor(found);
    if (start === 0 && end === found.size - 1) return wholeFile(entry, init);
    // A range: Bun's own Response with the headers as an object (half the time of a list of pairs).
    return new NativeResponse(entry.file.slice(start, end + 1), { status: init.status, headers: Object.fromEntries(init.headers) });
  },
};
