/** Bad handlers and bad input: plain 500s, the error hook, 400/413/431, one log line, still serving. */
import net from "node:net";
import { describe, expect, test } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function errors(s: Suite): void {
  const { exception } = s;
  const sleep = s.sleep;
  describe("errors", () => {
    test("a handler that throws, rejects or returns a non-Response gets a plain 500, logged once with the app's frame", async () => {
      const logged = s.server().stderrLength();
      for (const path of ["/throw", "/reject", "/not-response", "/undefined"]) {
        const { responses } = await s.exchange(s.url(), get(s.url(), path));
        expect(responses[0].status, path).toBe(500);
        expect(responses[0].body.toString(), path).toBe("Internal Server Error");
      }
      await sleep(100);
      const log = s.server().stderr(logged);
      expect(log.match(/thrown on purpose/g)?.length).toBe(1);
      expect(log.match(/rejected on purpose/g)?.length).toBe(1);
      expect(log.match(/ERR_INVALID_RESPONSE/g)?.length).toBe(2);
      // One line each; the app's own errors are followed by their frames in the app (omniserve's by none).
      const lines = log.trim().split("\n");
      expect(lines.filter((line) => line.startsWith("omniserve: "))).toHaveLength(4);
      expect(lines.filter((line) => !line.startsWith("omniserve: ")).every((line) => line.startsWith("    at "))).toBe(true);
      for (const what of ["thrown", "rejected"]) {
        const at = lines.findIndex((line) => line.includes(`${what} on purpose`));
        expect(lines[at + 1], what).toMatch(/^ {4}at .*test\/fixture\/http-app\.ts:\d+:\d+\)?$/);
      }
      // ...and the server keeps serving.
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("bad clients do not cost good ones: idle sockets, half-sent heads and garbage while others are served", async () => {
      const { hostname, port } = new URL(s.url());
      const bad: net.Socket[] = [];
      const open = (data: string) => {
        const socket = net.connect(Number(port), hostname);
        socket.on("error", () => {});
        socket.write(data);
        bad.push(socket);
      };
      for (let i = 0; i < 100; i++) open(""); // idle
      for (let i = 0; i < 50; i++) open("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: "); // a head that never ends
      for (let i = 0; i < 50; i++) open("\x16\x03\x01\x02\x00garbage\r\n\r\n"); // a TLS hello on a plain port
      try {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () => s.exchange(s.url(), get(s.url(), "/hello")).then((r) => r.responses[0]?.status)),
        );
        expect(answers).toEqual(Array(50).fill(200));
      } finally {
        for (const socket of bad) socket.destroy();
      }
    });

    test("the error hook turns a thrown error into its Response", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/teapot"));
      expect(responses[0].status).toBe(418);
      expect(responses[0].body.toString()).toBe("hook: teapot: handled by the error hook");
    });

    s.http1Only("a request with both Content-Length and Transfer-Encoding gets 400", async () => {
      const { responses } = await s.exchange(s.url(), "POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
      expect(responses[0].status).toBe(400);
    });

    s.http1Only("a malformed request gets 400", async () => {
      const { responses } = await s.exchange(s.url(), "GARBAGE\r\n\r\n");
      expect(responses[0].status).toBe(400);
    });

    s.http1Only("malformed requests of every kind get 400, and the server keeps serving", async () => {
      const H = "Host: x\r\n";
      // [name, request, status; 0 means closed without a response]
      const cases: [string, string, number][] = [
        ["bad chunk size", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`, exception("brokenBodyCloses") ? 0 : 400],
        ["invalid header name", `GET /hello HTTP/1.1\r\n${H}Bad Header: x\r\n\r\n`, 400],
        ["header line without colon", `GET /hello HTTP/1.1\r\n${H}NoColon\r\n\r\n`, 400],
        ["control character in a value", `GET /hello HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`, 400],
        ["space before colon", `GET /hello HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, 400],
        ["tab before colon", `GET /hello HTTP/1.1\r\n${H}X-A\t: b\r\n\r\n`, 400],
        ["space before the colon of Transfer-Encoding", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n`, 400],
        ["space before the colon of Content-Length", `POST /body/text HTTP/1.1\r\n${H}Content-Length : 2\r\n\r\nab`, 400],
        ["obs-fold continuation line", `GET /hello HTTP/1.1\r\n${H}X-A: a\r\n  b\r\n\r\n`, 400],
        ["obs-fold continuation line with a tab", `GET /hello HTTP/1.1\r\n${H}X-A: a\r\n\tb\r\n\r\n`, 400],
        ["a continuation line before the first header", `GET /hello HTTP/1.1\r\n X-A: a\r\n${H}\r\n`, 400],
        ["space before the method", ` GET /hello HTTP/1.1\r\n${H}\r\n`, 400],
        ["tab after the method", `GET\t/hello HTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["tab before the version", `GET /hello\tHTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["space after the version", `GET /hello HTTP/1.1 \r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["lower-case HTTP version", `GET /hello http/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["bad method characters", `G(T /hello HTTP/1.1\r\n${H}\r\n`, 400],
        ["negative Content-Length", `POST /body/text HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, 400],
        ["two different Content-Lengths", `POST /body/text HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`, 400],
        ["Transfer-Encoding not ending in chunked", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, 400],
        ["Transfer-Encoding in HTTP/1.0", `POST /body/text HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n`, 400],
        ["Transfer-Encoding: chunked twice", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n`, 400],
        ["Content-Length after Transfer-Encoding", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nab\r\n0\r\n\r\n`, 400],
        ["Content-Length with a sign", `POST /body/text HTTP/1.1\r\n${H}Content-Length: +2\r\n\r\nab`, 400],
        ["Content-Length as a list", `POST /body/text HTTP/1.1\r\n${H}Content-Length: 2, 2\r\n\r\nab`, 400],
        ["Content-Length as a list of two values", `POST /body/text HTTP/1.1\r\n${H}Content-Length: 2, 3\r\n\r\nabc`, 400],
        ["Content-Length in hex", `POST /body/text HTTP/1.1\r\n${H}Content-Length: 0x2\r\n\r\nab`, 400],
        ["empty Content-Length", `POST /body/text HTTP/1.1\r\n${H}Content-Length: \r\n\r\n`, 400],
        ["bare CR in a value", `GET /hello HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, 400],
        ["NUL in the target", `GET /he\x00llo HTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["space in the target", `GET /he llo HTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["unknown HTTP version", `GET /hello HTTP/9.9\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
        ["two Host headers", `GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, exception("bunHostNotValidated") ? 200 : 400],
        ["empty Host header", `GET /hello HTTP/1.1\r\nHost:\r\n\r\n`, exception("bunHostNotValidated") ? 404 : exception("denoHostOptional") ? 200 : 400],
      ];
      const seen: [string, number][] = [];
      for (const [name, request] of cases) {
        const { responses } = await s.exchange(s.url(), request, { timeoutMs: 3000 });
        seen.push([name, responses[0]?.status ?? 0]);
      }
      expect(seen).toEqual(cases.map(([name, , status]) => [name, status]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("a chunk extension past 16 KiB gets 400 (Bun: 413) and closes, never a 500; a short one is read past; the server keeps serving", async () => {
      const ext = (bytes: number) =>
        `POST /body/text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;a=${"x".repeat(bytes)}\r\nab\r\n0\r\n\r\n`;
      const logged = s.server().stderrLength();
      const seen: [number, number, boolean][] = [];
      for (const bytes of [1024, 20 * 1024, 40 * 1024]) {
        const { responses, closed } = await s.exchange(s.url(), ext(bytes) + get(s.url(), "/hello"), { responses: 2, timeoutMs: 3000 });
        seen.push([bytes, responses[0]?.status ?? 0, closed]);
      }
      const refused = exception("bunChunkExtension413") ? 413 : 400;
      expect(seen).toEqual([[1024, 200, false], [20 * 1024, refused, true], [40 * 1024, refused, true]]);
      await s.sleep(100);
      // A client's broken framing is not the app's failure: no app error line, as a handler's 500 gets.
      expect(s.server().stderr(logged)).not.toMatch(/^omniserve: POST \/body\/text: Error /m);
      if (exception("denoChunkExtension8KiB")) {
        const { responses } = await s.exchange(s.url(), ext(8 * 1024), { timeoutMs: 3000 });
        expect(responses[0]?.status).toBe(400);
      }
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("a chunked body with trailer fields is read whole, the trailers skipped, and the next pipelined request answered", async () => {
      const withTrailers = "POST /body/text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n";
      const { responses, closed } = await s.exchange(s.url(), withTrailers + get(s.url(), "/hello"), { responses: 2, timeoutMs: 3000 });
      const seen = [responses.map((r) => `${r.status} ${r.body}`), closed];
      if (exception("bunTrailersRefused")) expect(seen).toEqual([["200 2", "400 "], true]);
      else expect(seen).toEqual([["200 2", "200 Hello, World!"], false]);
    });

    s.http1Only("a trailer section is bounded as a head is: past 16 KiB it gets 431 and closes, never a hang; others are served meanwhile", async () => {
      // idleTimeout 1 s: where a runtime stalls on the trailers (denoTrailers64KiB), the bound ends it within seconds.
      const server = await s.start("test/fixture/slow-clients.ts");
      try {
        const post = (trailers: string) => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n${trailers}\r\n`;
        const field = (kib: number) => `X-T: ${"t".repeat(kib * 1024 - 7)}\r\n`; // the line is kib KiB
        const fields = (n: number) => Array.from({ length: n }, (_, i) => `t${i}: v\r\n`).join("");
        const cases: [string, string][] = [
          ["1 KiB", field(1)], ["15 KiB", field(15)], ["17 KiB", field(17)], ["100 KiB", field(100)],
          ["1,000 fields", fields(1000)], ["5,000 fields", fields(5000)],
        ];
        const logged = server.stderrLength();
        const seen: [string, string, boolean][] = [];
        const others: number[] = [];
        for (const [name, trailers] of cases) {
          const [{ responses, closed }, other] = await Promise.all([
            s.exchange(server.url, post(trailers) + get(server.url, "/hello"), { responses: 2, timeoutMs: 10_000 }),
            s.exchange(server.url, get(server.url, "/hello")),
          ]);
          seen.push([name, responses.map((r) => r.status).join(" "), closed]);
          others.push(other.responses[0]?.status ?? 0);
        }
        expect(others).toEqual(Array(cases.length).fill(200));
        const served = (name: string): [string, string, boolean] => [name, "200 200", false];
        const refused = (name: string, status: number): [string, string, boolean] => [name, String(status), true];
        if (exception("bunTrailersRefused")) {
          expect(seen).toEqual(cases.map(([name]) => [name, "200 400", true]));
        } else if (exception("denoTrailers64KiB")) {
          const big = new Set(["100 KiB"]);
          expect(seen).toEqual(cases.map(([name]) => big.has(name) ? refused(name, 408) : served(name)));
        } else {
          const big = new Set(["17 KiB", "100 KiB", "5,000 fields"]);
          expect(seen).toEqual(cases.map(([name]) => big.has(name) ? refused(name, 431) : served(name)));
        }
        await s.sleep(100);
        // One line per refusal: Node's parser error (431), or omniserve's ERR_BODY_STALLED (408). Bun's parser answers
        // its 400 before JavaScript runs (bunTrailersRefused): nothing reaches the log, and never an app error.
        const lines = server.stderr(logged).trim().split("\n").filter(Boolean);
        const refusals = seen.filter(([, , closed]) => closed).length;
        if (exception("bunTrailersRefused")) expect(lines).toEqual([]);
        else if (exception("denoTrailers64KiB")) expect(lines).toEqual(Array(refusals).fill("omniserve: POST /: ERR_BODY_STALLED 408 Request Timeout: the request body brought nothing for 1 s"));
        else expect(lines).toEqual(Array(refusals).fill("omniserve: rejected a request from 127.0.0.1: 431 Request Header Fields Too Large (HPE_HEADER_OVERFLOW)"));
        expect((await s.exchange(server.url, get(server.url, "/hello"))).responses[0].status).toBe(200);
      } finally {
        await server.stop();
      }
    }, 60_000);

    s.http1Only("heads each parser frames its own way (bare LF, identical Content-Lengths, DEL in a value) get 400 but for named exceptions", async () => {
      const cases: [string, string, number][] = [
        ["lines ending in a bare LF", "GET /hello HTTP/1.1\nHost: x\n\n", exception("denoBareLfAccepted") ? 200 : exception("bunBareLf505") ? 505 : 400],
        ["one header line ending in a bare LF", "GET /hello HTTP/1.1\r\nX-A: 1\nHost: x\r\n\r\n", exception("denoBareLfAccepted") ? 200 : 400],
        ["a head ending in a bare LF", "GET /hello HTTP/1.1\r\nHost: x\r\n\n", exception("denoBareLfAccepted") ? 200 : 400],
        ["two identical Content-Lengths", "POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", exception("identicalContentLengthsAccepted") ? 200 : 400],
        ["DEL in a header value", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: a\x7fb\r\n\r\n", exception("bunDelInValueAccepted") ? 200 : 400],
      ];
      const seen: [string, number][] = [];
      for (const [name, request] of cases) {
        const { responses } = await s.exchange(s.url(), Buffer.from(request, "latin1"), { timeoutMs: 3000 });
        seen.push([name, responses[0]?.status ?? 0]);
      }
      expect(seen).toEqual(cases.map(([name, , status]) => [name, status]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("a request with more than 198 header fields gets 431, never a silently shortened list; 198 reach the app whole", async () => {
      const fields = (n: number) => Array.from({ length: n - 1 }, (_, i) => `h${i}:v\r\n`).join(""); // and Host
      const seen: [number, number, number][] = [];
      for (const n of [128, 198, 199, 1900]) {
        const { responses } = await s.exchange(s.url(), `GET /headers HTTP/1.1\r\nHost: x\r\n${fields(n)}\r\n`, { timeoutMs: 3000 });
        const status = responses[0]?.status ?? 0;
        seen.push([n, status, status === 200 ? Object.keys(JSON.parse(responses[0].body.toString())).length : 0]);
      }
      // denoHeaderFields128: Deno answers 400 past 128 fields.
      const over = (n: number) => exception("denoHeaderFields128") ? n > 128 : n > 198;
      expect(seen).toEqual([128, 198, 199, 1900].map((n) => [n, over(n) ? (exception("denoHeaderFields128") ? 400 : 431) : 200, over(n) ? 0 : n]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("request heads over 16 KiB get 431", async () => {
      for (const size of [17 * 1024, 70 * 1024]) {
        const { responses } = await s.exchange(s.url(), get(s.url(), "/hello", `X-Big: ${"a".repeat(size)}\r\n`));
        const expected = exception("headerLimit64KiB400") ? (size < 64 * 1024 ? 200 : 400) : 431;
        expect(responses[0].status, `${size} bytes`).toBe(expected);
      }
      const { responses } = await s.exchange(s.url(), get(s.url(), "/hello", `X-Fits: ${"a".repeat(15 * 1024)}\r\n`));
      expect(responses[0].status).toBe(200);
    });

    s.http1Only("a request line over 16 KiB (a long target) gets 431, as a long header does, and the server keeps serving", async () => {
      const seen: [number, number][] = [];
      for (const size of [17 * 1024, 70 * 1024]) {
        const { responses } = await s.exchange(s.url(), `GET /hello?${"q".repeat(size)} HTTP/1.1\r\nHost: x\r\n\r\n`, { timeoutMs: 3000 });
        seen.push([size, responses[0]?.status ?? 0]);
      }
      // headerLimit64KiB400: Deno serves the 17 KiB line (it holds the head to ~64 KiB) and answers 400 past that.
      const status = (size: number) => exception("headerLimit64KiB400") ? (size < 64 * 1024 ? 200 : 400) : 431;
      expect(seen).toEqual([17 * 1024, 70 * 1024].map((size) => [size, status(size)]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("maxRequestBodySize gives 413 for a Content-Length body", async () => {
      const { responses } = await s.exchange(s.url(), `POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: ${9 * 1024 * 1024}\r\n\r\n`);
      expect(responses[0].status).toBe(413);
    });

    test("maxRequestBodySize gives 413 for a chunked body", async () => {
      const { responses } = await s.exchange(s.url(), chunked("/body/text", 9 * 1024 * 1024 + 1), { timeoutMs: 10_000 });
      expect(responses[0]?.status).toBe(413);
      // ...and the server keeps serving.
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("maxRequestBodySize gives 413 for a chunked body read as a stream, or caught by the handler", async () => {
      for (const path of ["/body/stream", "/body/watch?id=limit"]) {
        const { responses } = await s.exchange(s.url(), chunked(path, 9 * 1024 * 1024), { timeoutMs: 10_000 });
        expect(responses[0]?.status, path).toBe(413);
      }
    });

    test("maxRequestBodySize lets a chunked body of exactly the limit through", async () => {
      const { responses } = await s.exchange(s.url(), chunked("/body/stream", 8 * 1024 * 1024), { timeoutMs: 10_000 });
      expect([responses[0]?.status, responses[0]?.body.toString()]).toEqual([200, String(8 * 1024 * 1024)]);
    });
  });
}

/** A chunked POST to `path` whose body is `size` bytes, in 64 KiB chunks (the last one shorter). */
function chunked(path: string, size: number): string[] {
  const parts = [`POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`];
  for (let left = size; left > 0; left -= 0x10000) {
    const n = Math.min(left, 0x10000);
    parts.push(`${n.toString(16)}\r\n${"x".repeat(n)}\r\n`);
  }
  parts.push("0\r\n\r\n");
  return parts;
}
