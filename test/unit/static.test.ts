/**
 * The parsers behind serveStatic() and compress(), each against a table and
 * against a second, independent transcription of its RFC grammar (regular
 * expressions, written for clarity, not speed) on random inputs; the
 * path rules against the safety property they exist for; and the check that
 * a found file still opens, on real files.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { negotiate, ranked } from "../../src/compress/_accept.ts";
import { contentTypeFor, isCompressible, loadMime } from "../../src/_mime.ts";
import { ifRangeHolds, preconditions } from "../../src/static/_conditional.ts";
import { parseHttpDate } from "../../src/static/_http-date.ts";
import { nodeOpens } from "../../src/static/_files.ts";
import { filePath } from "../../src/static/_path.ts";
import { parseRange } from "../../src/static/_range.ts";
import type { Encoding } from "../../src/types.ts";

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function strings(seed: number, alphabet: string[], count: number, maxParts: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const parts = 1 + Math.floor(next() * maxParts);
    return Array.from({ length: parts }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  });
}

describe("parseRange()", () => {
  test("parseRange() reads one byte range as RFC 9110 14.1.2 says", () => {
    const size = 1000;
    const cases: [string, ReturnType<typeof parseRange>][] = [
      ["bytes=0-99", { start: 0, end: 99 }],
      ["bytes=-100", { start: 900, end: 999 }],
      ["bytes=900-", { start: 900, end: 999 }],
      ["bytes=0-5000", { start: 0, end: 999 }],
      ["bytes=-5000", { start: 0, end: 999 }],
      ["Bytes=1-1", { start: 1, end: 1 }],
      ["bytes=1000-", "unsatisfiable"],
      ["bytes=-0", "unsatisfiable"],
      ["bytes=5-4", undefined],
      ["bytes=0-1,3-4", undefined],
      ["bytes=a-b", undefined],
      ["pages=0-1", undefined],
      ["bytes=", undefined],
      ["bytes=-", undefined],
      ["bytes= 0-1", { start: 0, end: 1 }],
      [`bytes=${"0".repeat(30)}1-${"0".repeat(30)}2`, { start: 1, end: 2 }],
      [`bytes=-${"0".repeat(30)}5`, { start: 995, end: 999 }],
      [`bytes=-${"0".repeat(30)}`, "unsatisfiable"],
      [`bytes=${"0".repeat(30)}-`, { start: 0, end: 999 }],
    ];
    for (const [header, expected] of cases) expect(parseRange(header, size), header).toEqual(expected);
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });

  /** The grammar again, as a regular expression. */
  function reference(header: string, size: number): ReturnType<typeof parseRange> {
    const m = /^bytes=\s*(?:(\d+)-(\d*)|-(\d+))\s*$/i.exec(header);
    if (!m) return undefined;
    if (m[3] !== undefined) {
      const n = Number(m[3]);
      return n === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - n), end: size - 1 };
    }
    const first = Number(m[1]);
    const last = m[2] === "" ? Infinity : Number(m[2]);
    if (last < first) return undefined;
    return first >= size ? "unsatisfiable" : { start: first, end: Math.min(last, size - 1) };
  }

  test("parseRange() agrees with a regular-expression transcription of the grammar on 20,000 random headers", () => {
    const inputs = strings(14, ["bytes=", "bytes=", "0", "1", "9", "42", "-", "-", ",", " ", "x", "=", "BYTES="], 20_000, 6);
    for (const header of inputs) {
      for (const size of [0, 1, 50, 1000]) expect(parseRange(header, size), `${header} of ${size}`).toEqual(reference(header, size));
    }
  });
});

describe("filePath()", () => {
  const path = (p: string, dotfiles: "deny" | "ignore" | "allow" = "deny") => filePath(new URL(`http://x.test${p}`), dotfiles);

  test("filePath() decodes segments and refuses what could name something else", () => {
    expect(path("/a/b%20c.txt")).toEqual({ relative: "a/b c.txt", folder: false, pathname: "/a/b%20c.txt" });
    expect(path("/dir/")).toEqual({ relative: "dir", folder: true, pathname: "/dir/" });
    expect(path("/")).toEqual({ relative: "", folder: true, pathname: "/" });
    expect(path("/a/../b")).toEqual({ relative: "b", folder: false, pathname: "/b" });
    for (const p of ["/a%2fb", "/a%5cb", "/a%00", "/%c0%ae", "/%ff", "/a//b", "/.env", "/%2e%2e%2f"]) expect(path(p), p).toBe(403);
    expect(path("/.env", "ignore")).toBe(404);
    expect(path("/.env", "allow")).toEqual({ relative: ".env", folder: false, pathname: "/.env" });
  });

  test("filePath() never yields a path that climbs, hides a separator or names a dotfile, on 20,000 random URLs", () => {
    const alphabet = ["/", "/", "a", ".", "..", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "%", "%c0%ae", "%e2%80%ae", "%20", "?", "#", "x"];
    for (const p of strings(6, alphabet, 20_000, 10)) {
      const result = path(`/${p}`);
      if (typeof result === "number") continue;
      const segments = result.relative === "" ? [] : result.relative.split("/");
      for (const segment of segments) {
        expect(segment, p).not.toBe("");
        expect(segment, p).not.toBe("..");
        expect(segment.startsWith("."), p).toBe(false);
        expect([...segment].some((ch) => ch === "\\" || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), p).toBe(false);
      }
    }
  });
});

describe("negotiate() and ranked()", () => {
  const all: Encoding[] = ["br", "zstd", "gzip"];

  test("negotiate() picks by q-value, then by the server's order", () => {
    expect(negotiate(null, all)).toBe("identity");
    expect(negotiate("", all)).toBe("identity");
    expect(negotiate("gzip, br", all)).toBe("br");
    expect(negotiate("gzip;q=1, br;q=0.5", all)).toBe("gzip");
    expect(negotiate("*", all)).toBe("br");
    expect(negotiate("br;q=0, *", all)).toBe("zstd");
    expect(negotiate("identity;q=0", all)).toBe("unacceptable");
    expect(negotiate("*;q=0, identity;q=0.1", all)).toBe("identity");
    expect(ranked("gzip;q=0.5, zstd, br;q=0.7", all)).toEqual(["zstd", "br", "gzip"]);
  });

  /** The header again, as a regular expression per element. */
  function reference(header: string, offered: Encoding[]): ReturnType<typeof negotiate> {
    const q = new Map<string, number>();
    for (const element of header.split(",")) {
      const m = /^\s*([a-z*-]+)\s*(?:;\s*q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?\s*$/i.exec(element);
      if (!m) continue;
      const name = m[1].toLowerCase() === "x-gzip" ? "gzip" : m[1].toLowerCase();
      if (!["br", "gzip", "zstd", "identity", "*"].includes(name) || q.has(name)) continue;
      q.set(name, m[2] === undefined ? 1 : Number(m[2]));
    }
    let best: Encoding | undefined;
    for (const coding of offered) {
      const w = q.get(coding) ?? q.get("*") ?? 0;
      if (w > (best ? q.get(best) ?? q.get("*") ?? 0 : 0)) best = coding;
    }
    if (best) return best;
    return (q.get("identity") ?? q.get("*") ?? 1) > 0 ? "identity" : "unacceptable";
  }

  test("negotiate() agrees with a regular-expression transcription on 20,000 random headers", () => {
    const alphabet = ["gzip", "br", "zstd", "x-gzip", "identity", "*", "deflate", ";q=0", ";q=0.5", ";q=1", ";q=0.001", ";q=2", ",", ", ", " ", "GZIP"];
    for (const header of strings(9, alphabet, 20_000, 8)) {
      for (const offered of [all, ["gzip"] as Encoding[], ["zstd", "gzip"] as Encoding[]]) {
        expect(negotiate(header, offered), `${header} / ${offered}`).toBe(reference(header, offered));
      }
    }
  });
});

describe("preconditions()", () => {
  const v = { etag: '"abc-1"', modified: 1_000_000 };
  const at = (seconds: number) => new Date(seconds * 1000).toUTCString();
  const h = (init: Record<string, string>) => new Headers(init);

  test("preconditions() follows RFC 9110 13.2.2's order and comparison rules", () => {
    expect(preconditions(h({ "if-none-match": '"abc-1"' }), v)).toBe(304);
    expect(preconditions(h({ "if-none-match": 'W/"abc-1"' }), v)).toBe(304);
    expect(preconditions(h({ "if-none-match": '"abc-12"' }), v)).toBe("proceed");
    expect(preconditions(h({ "if-none-match": '"x"', "if-modified-since": at(v.modified) }), v)).toBe("proceed");
    expect(preconditions(h({ "if-modified-since": at(v.modified) }), v)).toBe(304);
    expect(preconditions(h({ "if-modified-since": at(v.modified - 1) }), v)).toBe("proceed");
    expect(preconditions(h({ "if-match": 'W/"abc-1"' }), v)).toBe(412);
    expect(preconditions(h({ "if-match": '"x", "abc-1"' }), v)).toBe("proceed");
    expect(preconditions(h({ "if-unmodified-since": at(v.modified - 1) }), v)).toBe(412);
    // A tag counts as a whole list member only.
    for (const list of ['"x"abc-1""', '"abc-1"x', 'x"abc-1"', '"abc-1""', 'XW/"abc-1"']) {
      expect(preconditions(h({ "if-none-match": list }), v), list).toBe("proceed");
    }
    for (const list of ['"x","abc-1"', '"x" ,\tW/"abc-1"', ' "abc-1" ']) expect(preconditions(h({ "if-none-match": list }), v), list).toBe(304);
    expect(preconditions(h({ "if-modified-since": "2099" }), v)).toBe("proceed");
    expect(ifRangeHolds('"abc-1"', v)).toBe(true);
    expect(ifRangeHolds('W/"abc-1"', v)).toBe(false);
    expect(ifRangeHolds(at(v.modified), v)).toBe(true);
    expect(ifRangeHolds(at(v.modified + 1), v)).toBe(false);
  });
});

describe("parseHttpDate()", () => {
  test("parseHttpDate() reads the three forms of RFC 9110 5.6.7 and nothing else", () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
    const cases: [string, number | undefined][] = [
      ["Sun, 06 Nov 1994 08:49:37 GMT", at],
      ["Sunday, 06-Nov-94 08:49:37 GMT", at],
      ["Sun Nov  6 08:49:37 1994", at],
      ["Sun Nov 06 08:49:37 1994", at],
      ["Thu, 01 Jan 1970 00:00:00 GMT", 0],
      ["Tue, 29 Feb 2028 12:00:00 GMT", Date.UTC(2028, 1, 29, 12) / 1000],
      ["Wed, 31 Dec 1998 23:59:60 GMT", Date.UTC(1999, 0, 1) / 1000], // a leap second
      ["Sat, 01 Jan 0050 00:00:00 GMT", new Date("0050-01-01T00:00:00Z").getTime() / 1000], // not 1950
      ["Sun, 06 Nov 1994 08:49:37 UTC", undefined],
      ["Sun, 06 Nov 1994 08:49:37 +0000", undefined],
      ["Sun, 06 Nov 1994 08:49:37", undefined],
      ["sun, 06 nov 1994 08:49:37 gmt", undefined],
      ["Sun, 6 Nov 1994 08:49:37 GMT", undefined],
      ["Sun,  06 Nov 1994 08:49:37 GMT", undefined],
      ["Xyz, 06 Nov 1994 08:49:37 GMT", undefined],
      ["Sun, 31 Nov 1994 08:49:37 GMT", undefined],
      ["Sun, 29 Feb 1994 08:49:37 GMT", undefined],
      ["Sun, 00 Nov 1994 08:49:37 GMT", undefined],
      ["Sun, 06 Nov 1994 24:00:00 GMT", undefined],
      ["Sun, 06 Nov 1994 08:60:00 GMT", undefined],
      ["Sun, 06 Nov 1994 08:49:61 GMT", undefined],
      ["Sun, 06 Nov 1994 08-49-37 GMT", undefined],
      ["Sun, 06 Nov 19x4 08:49:37 GMT", undefined],
      ["Sun, 06 Xxx 1994 08:49:37 GMT", undefined],
      ["Sun, 06-Nov-94 08:49:37 GMT", undefined], // a short day name in the RFC 850 form
      ["Sunday, 06 Nov 1994 08:49:37 GMT", undefined],
      ["Sun Nov 6 08:49:37 1994", undefined],
      ["1994-11-06T08:49:37Z", undefined],
      ["2030", undefined],
      ["0", undefined],
      ["", undefined],
      ["x".repeat(29), undefined],
      ["x".repeat(31), undefined],
    ];
    for (const [value, expected] of cases) expect(parseHttpDate(value), value).toBe(expected);
  });

  test("parseHttpDate() reads a two-digit year more than 50 years ahead as the century before", () => {
    const year = new Date().getUTCFullYear();
    const yy = (y: number) => String(y % 100).padStart(2, "0");
    const yearOf = (value: string) => new Date(parseHttpDate(value)! * 1000).getUTCFullYear();
    // The day name is not checked against the date (RFC 9110 asks for none of that).
    expect(yearOf(`Monday, 01-Jan-${yy(year + 49)} 00:00:00 GMT`)).toBe(year + 49);
    expect(yearOf(`Monday, 01-Jan-${yy(year + 51)} 00:00:00 GMT`)).toBe(year + 51 - 100);
    expect(yearOf(`Monday, 01-Jan-${yy(year)} 00:00:00 GMT`)).toBe(year);
  });

  test("parseHttpDate() reads back every time Date#toUTCString writes, in all three forms, on 5,000 random times", () => {
    const next = random(9110);
    const names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const now = new Date().getUTCFullYear();
    for (let i = 0; i < 5000; i++) {
      const seconds = Math.floor(next() * 2 ** 32);
      const date = new Date(seconds * 1000);
      const imf = date.toUTCString();
      expect(parseHttpDate(imf), imf).toBe(seconds);
      const [, day, month, year, time] = imf.split(" ");
      const asctime = `${imf.slice(0, 3)} ${month} ${day.replace(/^0/, " ")} ${time} ${year}`;
      expect(parseHttpDate(asctime), asctime).toBe(seconds);
      const rfc850 = `${names[date.getUTCDay()]}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
      if (Number(year) > now - 50 && Number(year) <= now + 50) expect(parseHttpDate(rfc850), rfc850).toBe(seconds);
    }
  });
});

describe("media types", () => {
  test("contentTypeFor() and isCompressible() come from mime-db, loaded on first use", async () => {
    await loadMime();
    expect(contentTypeFor("a/index.html")).toBe("text/html; charset=utf-8");
    expect(contentTypeFor("app.JS")).toBe("text/javascript; charset=utf-8");
    expect(contentTypeFor("x.json")).toBe("application/json; charset=utf-8");
    expect(contentTypeFor("x.mp4")).toBe("video/mp4");
    expect(contentTypeFor("x.wasm")).toBe("application/wasm");
    expect(contentTypeFor("x.woff2")).toBe("font/woff2");
    expect(contentTypeFor(".bashrc")).toBe("application/octet-stream");
    expect(contentTypeFor("dir.d/file")).toBe("application/octet-stream");
    expect(isCompressible("application/json; charset=utf-8")).toBe(true);
    expect(isCompressible("text/event-stream")).toBe(true);
    expect(isCompressible("application/vnd.api+json")).toBe(true);
    expect(isCompressible("image/png")).toBe(false);
    expect(isCompressible("application/octet-stream")).toBe(false);
    expect(isCompressible("application/x-unknown")).toBe(false);
    expect(isCompressible(null)).toBe(false);
  });
});

describe("nodeOpens()", () => {
  test("nodeOpens() is true for a regular file only, and never waits on a FIFO", () => {
    const dir = fs.mkdtempSync(join(tmpdir(), "omniserve-opens-"));
    try {
      fs.writeFileSync(join(dir, "file"), "x");
      fs.mkdirSync(join(dir, "folder"));
      fs.symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
      execFileSync("mkfifo", [join(dir, "fifo")]); // a blocking open would wait here for a writer, for ever
      const opens = nodeOpens(fs);
      const seen = ["file", "folder", "dangling", "fifo", "missing", "file/below"].map((name) => [name, opens(join(dir, name))]);
      expect(seen).toEqual([["file", true], ["folder", false], ["dangling", false], ["fifo", false], ["missing", false], ["file/below", false]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
