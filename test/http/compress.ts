/**
 * compress(): negotiation, what is left alone, the header edits, streams
 * and server-sent events, asked over a raw socket and with curl.
 */
import { execFileSync, spawn } from "node:child_process";
import { beforeAll, describe, expect, test } from "vitest";
import { runtimeBinary } from "../../dist/cli/runtime.js";
import { decode } from "../support/decode.ts";
import { get, header, type RawResponse } from "../support/http-client.ts";
import { servedBy } from "../support/served.ts";
import { headersOf } from "../support/static-site.ts";
import type { Suite } from "./_suite.ts";
import { ask } from "./static.ts";

export function compression(s: Suite): void {
  describe("compress()", () => {
    const server = servedBy(() => s.start("test/fixture/compress-app.ts"));
    let json: Buffer;
    beforeAll(async () => {
      json = (await ask(s, server().url, "/plain/json")).body;
    });
    const req = (path: string, headers?: Record<string, string>, method?: string) => ask(s, server().url, path, headers, method);
    /** zstd where the runtime has it; on Node before 22.15 (asked of the Node that serves), the next coding in the server's order. */
    const nodeLacksZstd = s.runtime === "node" &&
      execFileSync(runtimeBinary("node"), ["-p", "typeof require('node:zlib').zstdCompress"], { encoding: "utf8" }).trim() !== "function";
    const zstdOr = (fallback: string | undefined) => (s.exception("noZstdOnNode20") && nodeLacksZstd ? fallback : "zstd");
    /** A body compressed whole goes out with its compressed length; a streamed one without (Bun: see the exception). */
    const wholeLength = (res: RawResponse) => String(res.body.length);

    test("compress() negotiates Accept-Encoding by q-value, the server's order breaking ties", async () => {
      const cases: [string | undefined, string | undefined | 406, string?][] = [
        [undefined, undefined],
        ["", undefined],
        ["gzip", "gzip"],
        ["br", "br"],
        ["zstd", zstdOr(undefined)],
        ["gzip, deflate, br, zstd", "br"],
        ["GZIP", "gzip"],
        ["x-gzip", "gzip"],
        ["gzip;q=1, br;q=0.9", "gzip"],
        ["br;q=0.1, gzip;q=0.2", "gzip"],
        ["zstd;q=1, br;q=0.5, gzip;q=0.5", zstdOr("br")],
        ["gzip ; q=0.5, br;q=0.4", "gzip"],
        ["gzip;q=1.000", "gzip"],
        ["gzip;q=0", undefined],
        ["gzip;q=2", undefined], // not a qvalue: the element is ignored
        ["gzip;q=0.0001", undefined], // four decimals: not a qvalue either
        ["deflate", undefined],
        ["identity", undefined],
        ["*", "br"],
        ["*;q=0.5, gzip", "gzip"],
        ["br;q=0, *", zstdOr("gzip")],
        ["identity;q=0", 406],
        ["*;q=0", 406],
        ["deflate, identity;q=0", 406],
        ["*;q=0, identity", undefined],
        ["identity;q=0, gzip", "gzip"],
        ["gzip, br", "gzip", "/gzip-first/json"],
        ["br, zstd", zstdOr("br"), "/gzip-first/json"],
      ];
      for (const [accept, expected, path = "/json"] of cases) {
        const res = await req(path, accept === undefined ? {} : { "accept-encoding": accept });
        const label = `${path} Accept-Encoding: ${accept}`;
        if (expected === 406) {
          expect([res.status, headersOf(res)], label).toEqual([406, { "content-length": "14", "content-type": "text/plain;charset=UTF-8", vary: "Accept-Encoding" }]);
          continue;
        }
        const h = headersOf(res);
        expect([res.status, h["content-encoding"], h.vary], label).toEqual([200, expected, "Accept-Encoding"]);
        expect(h["content-length"], label).toBe(expected ? wholeLength(res) : String(json.length));
        expect(decode(expected, res.body).equals(json), label).toBe(true);
      }
    });

    test("compress() leaves alone HEAD-less bodies, 204/304, 206, Content-Encoding, no-transform, small and incompressible bodies", async () => {
      const accept = { "accept-encoding": "gzip, br, zstd" };
      const cases: [string, number, boolean][] = [
        // path, status, whether the response still varies with Accept-Encoding
        ["/small", 200, true],
        ["/declared-tiny", 200, false],
        ["/png", 200, false],
        ["/octet", 200, false],
        ["/untyped", 200, false],
        ["/no-transform", 200, false],
        ["/encoded", 200, false],
        ["/range", 206, false],
        ["/content-range-200", 200, false],
        ["/204", 204, false],
        ["/304", 304, false],
        ["/empty", 200, false],
        ["/redirect", 302, false],
      ];
      for (const [path, status, varies] of cases) {
        const res = await req(path, accept);
        const plain = await req(`/plain${path}`, accept);
        const expected = { ...headersOf(plain), ...(varies ? { vary: "Accept-Encoding" } : {}) };
        expect([res.status, headersOf(res)], path).toEqual([status, expected]);
        expect(res.body.equals(plain.body), path).toBe(true);
      }
    });

    test("compress() answers HEAD with the headers GET would have, and no body where the GET's length is known", async () => {
      // The GETs with no length: a live stream, and `/head`'s compressed, a stream compress() codes as it goes
      // (`identity;q=0` refuses every answer: a 406, whatever the path).
      const streamed = (path: string, accept: string) =>
        accept !== "identity;q=0" && (path === "/stream" || (path === "/head" && accept !== "identity"));
      const denoH2HeadOf = (path: string, accept: string) => s.exception("denoH2HeadReset") && s.protocol !== "http/1.1" && streamed(path, accept);
      const check = async (path: string, accept: string) => {
        const label = `${path} ${accept}`;
        const res = await req(path, { "accept-encoding": accept });
        const got = headersOf(res);
        const denoH2Head = denoH2HeadOf(path, accept);
        const head = await s.exchange(server().url, get(server().url, path, `accept-encoding: ${accept}\r\nconnection: close\r\n`, "HEAD"), {
          heads: [true],
          ...(denoH2Head ? { timeoutMs: 1000 } : {}), // a stream Deno leaves open after the headers
        });
        // An app's HEAD without a body (`/head`) gives compress() no bytes to learn the compressed length from:
        // the head goes without Content-Length, which RFC 9110 9.3.2 allows for a field known only with the content.
        if (path === "/head" && got["content-encoding"]) delete got["content-length"];
        expect(headersOf(head.responses[0]), label).toEqual(got);
        expect(head.text.slice(head.text.indexOf("\r\n\r\n") + 4), label).toBe("");
        // Where the length is known compress() answers HEAD with a null body, which Deno ends cleanly over
        // HTTP/2 too. A HEAD whose GET has no length keeps a body (denoH2HeadReset): the app's own stream, left
        // as it is for identity, is reset; the stream compress() gives a coded HEAD is never ended.
        if (s.protocol === "http/1.1") expect(head.reset, label).toBe(false);
        else expect([head.closed, head.reset], label).toEqual([denoH2Head, denoH2Head && accept === "identity"]);
      };
      const pairs = ["/json", "/head", "/small", "/png", "/stream", "/empty"].flatMap((path) =>
        ["br", "gzip", "identity", "identity;q=0"].map((accept): [string, string] => [path, accept])
      );
      // The HEADs Deno leaves open each wait out their 1 s together, beside the others checked one by one.
      await Promise.all([
        ...pairs.filter(([path, accept]) => denoH2HeadOf(path, accept)).map(([path, accept]) => check(path, accept)),
        (async () => {
          for (const [path, accept] of pairs.filter(([path, accept]) => !denoH2HeadOf(path, accept))) await check(path, accept);
        })(),
      ]);
    });

    test("compress() adds Vary, replaces Content-Length with the compressed length and weakens a strong ETag", async () => {
      const cases: [string, Record<string, string>][] = [
        ["/etag", { etag: 'W/"v1"', vary: "Accept-Encoding" }],
        ["/etag-weak", { etag: 'W/"v1"', vary: "Accept-Encoding" }],
        ["/vary", { vary: "Origin, Accept-Encoding" }],
        ["/vary-star", { vary: "*" }],
        ["/vary-has", { vary: "accept-encoding" }],
        ["/json-helper", { vary: "Accept-Encoding" }],
        ["/threshold-0/small", { vary: "Accept-Encoding" }],
        ["/declared-small", { vary: "Accept-Encoding" }],
      ];
      for (const [path, expected] of cases) {
        const res = await req(path, { "accept-encoding": "gzip" });
        const h = headersOf(res);
        // `/declared-small` is a live stream, compressed as it goes: no length (still open when Bun starts sending).
        const length = path === "/declared-small" ? undefined : wholeLength(res);
        expect([h["content-encoding"], h["content-length"], h.etag, h.vary], path).toEqual(["gzip", length, expected.etag, expected.vary]);
        const plain = await req(`/plain${path.replace("/threshold-0", "")}`);
        expect(decode("gzip", res.body).equals(plain.body), path).toBe(true);
      }
    });

    s.http1Only("compress() answers an HTTP/1.0 request with the same coding and bytes, unchunked", async () => {
      const host = new URL(server().url).host;
      const { responses } = await s.exchange(server().url, `GET /json HTTP/1.0\r\nHost: ${host}\r\nAccept-Encoding: gzip\r\n\r\n`);
      const res = responses[0];
      const h = headersOf(res);
      expect([res.status, h["content-encoding"], h.vary, res.chunked]).toEqual([200, "gzip", "Accept-Encoding", false]);
      expect(h["content-length"]).toBe(wholeLength(res));
      expect(decode("gzip", res.body).equals(json)).toBe(true);
    });

    test("compress() compresses a streamed body as it goes, whole and decodable", async () => {
      const plain = (await req("/plain/stream")).body;
      expect(plain.length).toBe(64 * 16_388);
      for (const coding of ["br", "gzip", zstdOr("br")!]) {
        const res = await req("/stream", { "accept-encoding": coding });
        expect([res.status, res.chunked, header(res, "content-encoding")], coding).toEqual([200, true, coding]);
        expect(decode(coding, res.body).equals(plain), coding).toBe(true);
      }
    });

    test("compress() sends each server-sent event as it is written (curl -N --compressed)", async () => {
      // The three codings at once: each stream takes about 3 s (its events are a second apart).
      const runs = ["br", "gzip", zstdOr("gzip")!].map(async (coding) => {
        const args = ["-sN", ...s.curl(), "--compressed", "-H", `Accept-Encoding: ${coding}`, "-w", "%{stderr}%header{content-encoding}", `${server().url}/sse`];
        const curl = spawn("curl", args);
        let out = "";
        let encoding = "";
        curl.stderr.setEncoding("utf8").on("data", (chunk: string) => (encoding += chunk));
        const closed = new Promise((resolve) => curl.once("close", resolve));
        // What was decoded when event 1 first showed: event 2 is a second away on the server.
        const first = await new Promise<string>((resolve) => {
          curl.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            out += chunk;
            if (out.includes("data: 1")) resolve(out);
          });
          closed.then(() => resolve(out));
        });
        await closed;
        return { coding, first, out, encoding };
      });
      for (const { coding, first, out, encoding } of await Promise.all(runs)) {
        expect(first, coding).toBe("data: 1\n\n");
        expect(out, coding).toBe("data: 1\n\ndata: 2\n\ndata: 3\n\n");
        expect(encoding, coding).toBe(coding);
      }
    });

    test("compress() output reaches curl --compressed as the original bytes", async () => {
      const { execFileSync } = await import("node:child_process");
      for (const coding of ["br", "gzip", zstdOr("gzip")!]) {
        const out = execFileSync("curl", ["-s", ...s.curl(), "--compressed", "-H", `Accept-Encoding: ${coding}`, `${server().url}/json`]);
        expect(out.equals(json), coding).toBe(true);
      }
    });

    test("compress() sends a body in memory whole after a clone() or a look at its stream", async () => {
      for (const path of ["/cloned", "/the-clone", "/stream-asked"]) {
        for (const accept of ["gzip", "br"]) {
          const res = await req(path, { "accept-encoding": accept });
          expect([res.status, header(res, "content-encoding")], `${path} ${accept}`).toEqual([200, accept]);
          expect(decode(accept, res.body).equals(json), `${path} ${accept}`).toBe(true);
        }
      }
    });

    test("a response not wrapped in compress() is sent as is on every runtime (Deno's own compression is off)", async () => {
      for (const path of ["/plain/json", "/plain/stream"]) {
        const res = await req(path, { "accept-encoding": "gzip, br, zstd" });
        expect([res.status, header(res, "content-encoding"), header(res, "vary")], path).toEqual([200, undefined, undefined]);
      }
    });

    test("compress() ignores junk in Accept-Encoding and answers at once", async () => {
      const cases: [string, string | undefined][] = [
        ["x".repeat(10 * 1024), undefined],
        [`${"junk;q=0.5, ".repeat(800)}gzip`, "gzip"],
        [`${",".repeat(10_000)}br`, "br"],
        [`gzip;${"q=".repeat(4000)}`, undefined],
        ["\t gzip \t", "gzip"],
      ];
      for (const [accept, expected] of cases) {
        const res = await req("/json", { "accept-encoding": accept });
        expect([res.status, header(res, "content-encoding")], accept.slice(0, 30)).toEqual([200, expected]);
      }
    });
  });
}
