/**
 * Validators and conditional requests for files (RFC 9110 8.8, 13): the
 * ETag and Last-Modified omniserve sends, and how If-Match,
 * If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range are
 * evaluated against them. Garbage in any of these headers matches nothing;
 * every check is one linear scan.
 * @module
 */
import { parseHttpDate } from "./_http-date.ts";

/** A file's validators; either may be off. */
export interface Validators {
  /** The strong entity-tag, quotes included. */
  etag: string | undefined;
  /** Modification time in whole seconds (HTTP dates have no finer grain), or undefined. */
  modified: number | undefined;
}

let lastTag = { size: NaN, mtimeMs: NaN, suffix: "", tag: "" };

/**
 * A strong ETag from size and modification time in whole milliseconds,
 * rounded toward zero as Deno gives them (`Math.floor` made a file from
 * before 1970 one millisecond off on Node and Bun); `suffix` tells
 * precompressed siblings apart. The last one is kept, as the date below (a
 * file is asked for many times; building the string was 7% of a static
 * request on Bun, profiled).
 */
export function entityTag(size: number, mtimeMs: number, suffix = ""): string {
  const last = lastTag;
  if (last.size === size && last.mtimeMs === mtimeMs && last.suffix === suffix) return last.tag;
  const tag = `"${Math.trunc(mtimeMs).toString(16)}-${size.toString(16)}${suffix}"`;
  lastTag = { size, mtimeMs, suffix, tag };
  return tag;
}

let lastSeconds = NaN;
let lastDate = "";

/** An HTTP-date (IMF-fixdate) for a time in seconds (the last one kept: a file is asked for many times). */
export function httpDate(seconds: number): string {
  if (seconds !== lastSeconds) {
    lastDate = new Date(seconds * 1000).toUTCString();
    lastSeconds = seconds;
  }
  return lastDate;
}

/** What the preconditions decide (RFC 9110 13.2.2): go on, 304, or 412. */
export type Precondition = "proceed" | 304 | 412;

/** Evaluate the preconditions of a GET or HEAD in the RFC's order. */
export function preconditions(headers: Headers, v: Validators): Precondition {
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!listHas(ifMatch, v.etag, true)) return 412;
  } else {
    const since = date(headers.get("if-unmodified-since"));
    if (since !== undefined && v.modified !== undefined && v.modified > since) return 412;
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) return listHas(ifNoneMatch, v.etag, false) ? 304 : "proceed";
  const since = date(headers.get("if-modified-since"));
  if (since !== undefined && v.modified !== undefined && v.modified <= since) return 304;
  return "proceed";
}

/**
 * If-Range (RFC 9110 13.1.5): the Range applies only while the file is the
 * one the client has: its strong ETag (compared strongly), or its exact
 * Last-Modified date.
 */
export function ifRangeHolds(header: string | null, v: Validators): boolean {
  if (header === null) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return v.etag !== undefined && value === v.etag;
  const when = date(value);
  return when !== undefined && when === v.modified;
}

/**
 * True when a list of entity-tags names `etag` (or is `*`). Weak comparison
 * ignores `W/`; strong comparison refuses a weak tag. A tag counts only as a
 * whole list member: what stands before it (or its `W/`) and after it is the
 * list's start or end, a comma or whitespace, so `"x"1-2""` or `"1-2"x` name
 * nothing.
 */
function listHas(list: string, etag: string | undefined, strong: boolean): boolean {
  if (list.trim() === "*") return true;
  if (etag === undefined) return false;
  for (let at = list.indexOf(etag); at >= 0; at = list.indexOf(etag, at + 1)) {
    const weak = at >= 2 && list[at - 2] === "W" && list[at - 1] === "/";
    const start = weak ? at - 2 : at;
    if (!separates(list, start - 1) || !separates(list, at + etag.length)) continue;
    if (!strong || !weak) return true;
  }
  return false;
}

/** True at either end of a list, and at a comma, space or tab. */
function separates(list: string, i: number): boolean {
  if (i < 0 || i >= list.length) return true;
  const c = list[i];
  return c === "," || c === " " || c === "\t";
}

/** An HTTP-date in whole seconds; undefined for anything that is not one (RFC 9110 13.1.3 says ignore it). */
function date(value: string | null): number | undefined {
  return value === null ? undefined : parseHttpDate(value);
}
