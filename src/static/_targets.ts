/**
 * What a request URL names inside the served folder, kept per URL: parsing
 * the URL and checking its segments (_path.ts) give the same answer for the
 * same string every time, so a file asked for again skips them (the URL
 * parse and the segment walk were a tenth of a static request on Bun,
 * profiled). Only the verdict on the URL is kept; what is on disk (the
 * file, its size and date, symlinks) is looked up afresh on every request.
 * The map is bounded in entries and in key length.
 * @module
 */
import { contentTypeFor } from "../_mime.ts";
import type { StaticOptions } from "../types.ts";
import { type FilePath, filePath, type Refusal } from "./_path.ts";

/** A URL that names a path inside the root. */
export interface Target {
  path: FilePath;
  /** `root/relative`: the path to look up. */
  file: string;
  /** The Content-Type of the name asked for (a folder's is never used). */
  type: string;
  /** The URL's query, kept for the redirect from `/dir` to `/dir/`. */
  search: string;
}

/** A target, a refusal, or 400 for a URL that does not parse. */
export type Verdict = Target | Refusal | 400;

/** URLs kept; the oldest goes first when the map is full. */
const MAX_ENTRIES = 1024;
/** Longer URLs are checked every time, never kept: at most about 1 MiB of keys. */
const MAX_KEY = 512;

/** A function from `request.url` to its verdict under `root` and `dotfiles`, with its own bounded map. */
export function targets(root: string, dotfiles: NonNullable<StaticOptions["dotfiles"]>): (url: string) => Verdict {
  const kept = new Map<string, Verdict>();
  const judge = (raw: string): Verdict => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 400; // a runtime gave a URL without scheme or host (Bun, for an empty Host)
    }
    const path = filePath(url, dotfiles);
    if (typeof path === "number") return path;
    return { path, file: `${root}/${path.relative}`, type: contentTypeFor(path.relative), search: url.search };
  };
  return (raw) => {
    let verdict = kept.get(raw);
    if (verdict !== undefined) return verdict;
    verdict = judge(raw);
    if (raw.length <= MAX_KEY) {
      if (kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value!);
      kept.set(raw, verdict);
    }
    return verdict;
  };
}
