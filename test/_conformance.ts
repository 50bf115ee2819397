/**
 * The HTTP conformance suite: every case is written once and runs on node,
 * deno and bun against the fixture app, over a real socket. A runtime that
 * cannot match a case is listed in EXCEPTIONS with the reason, and the case
 * asserts the documented behaviour there instead.
 */
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
// The compiled CLI code, exactly what `omniserve test` runs.
import { startServer, type SpawnedServer } from "../dist/src/cli/_spawn.js";
import type { Runtime } from "../src/types.ts";
import { exchange, get, header, headerAll } from "./_raw.ts";
import { EXCEPTIONS } from "./_exceptions.ts";

const FIXTURE = "test/fixture/app.ts";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function conformance(runtime: Runtime): void {
  describe(`conformance on ${runtime}`, () => {
    let server: SpawnedServer;
    let url: string;
    beforeAll(async () => {
      server = await startServer(FIXTURE, runtime, { port: 0, hostname: "127.0.0.1" });
      url = server.url;
    });
    afterAll(async () => {
      await server?.stop();
    });
    const exception = (name: keyof typeof EXCEPTIONS) => (EXCEPTIONS[name].runtimes as readonly Runtime[]).includes(runtime);

    describe("responses", () => {
      test("fixed-size bodies carry Content-Length", async () => {
        for (const path of ["/hello", "/bytes", "/json", "/empty", "/blob", "/params", "/view"]) {
          const { responses } = await exchange(url, get(url, path));
          const res = responses[0];
          expect(res.status, path).toBe(200);
          expect(header(res, "content-length"), path).toBe(String(res.body.length));
          expect(header(res, "transfer-encoding"), path).toBeUndefined();
        }
      });

      test("HEAD gets the GET headers, Content-Length included, and no body", async () => {
        for (const path of ["/hello", "/bytes", "/json", "/empty", "/cookies", "/blob", "/params", "/stream"]) {
          const got = await exchange(url, get(url, path));
          const head = await exchange(url, [get(url, path, "", "HEAD"), get(url, "/method")], { responses: 2, heads: [true] });
          // Transfer-Encoding is framing, not a header of the content: no runtime sends it on HEAD
          // (RFC 9110 9.3.2 lets a server omit what is only known while generating content).
          const strip = (h: [string, string][]) => h.filter(([n]) => n !== "date" && n !== "transfer-encoding").sort();
          expect(strip(head.responses[0].headers), path).toEqual(strip(got.responses[0].headers));
          // The next response on the socket starts right after the head: no body bytes were sent.
          expect(head.responses[1]?.body.toString(), path).toBe("GET");
        }
      });

      test("204 and 304 carry no body and leave the connection reusable", async () => {
        for (const path of ["/204", "/304"]) {
          const { responses } = await exchange(url, [get(url, path), get(url, "/hello")], { responses: 2 });
          expect(responses.map((r) => r.status), path).toEqual([Number(path.slice(1)), 200]);
          expect(header(responses[0], "content-length"), path).toBeUndefined();
          expect(header(responses[0], "transfer-encoding"), path).toBeUndefined();
          expect(responses[1].body.toString(), path).toBe("Hello, World!");
        }
      });

      test("a string body without content-type gets text/plain;charset=UTF-8", async () => {
        const { responses } = await exchange(url, get(url, "/hello"));
        expect(header(responses[0], "content-type")).toBe("text/plain;charset=UTF-8");
        expect(responses[0].body.toString()).toBe("Hello, World!");
      });

      test("a binary body without content-type gets none", async () => {
        const { responses } = await exchange(url, get(url, "/bytes"));
        expect(header(responses[0], "content-type")).toBe(exception("binaryContentType") ? "application/octet-stream" : undefined);
      });

      test("Blob, URLSearchParams and FormData bodies get their standard content-type", async () => {
        const blob = (await exchange(url, get(url, "/blob"))).responses[0];
        expect([header(blob, "content-type"), blob.body.toString()]).toEqual(["text/x-blob", "blob body"]);
        const params = (await exchange(url, get(url, "/params"))).responses[0];
        expect([header(params, "content-type"), params.body.toString()]).toEqual([
          "application/x-www-form-urlencoded;charset=UTF-8",
          "a=1&b=x+y",
        ]);
        const form = (await exchange(url, get(url, "/formdata"))).responses[0];
        const type = header(form, "content-type") ?? "";
        expect(type).toMatch(/^multipart\/form-data; boundary=/);
        expect(form.body.toString()).toContain('name="field"\r\n\r\nvalue\r\n');
      });

      test("Response.redirect() and a cloned Response go out as built", async () => {
        const redirect = (await exchange(url, get(url, "/redirect"))).responses[0];
        expect([redirect.status, header(redirect, "location")]).toEqual([307, "http://example.test/elsewhere"]);
        const clone = (await exchange(url, get(url, "/clone"))).responses[0];
        expect([clone.status, clone.body.toString()]).toEqual([200, "cloned body"]);
      });

      test("several Set-Cookie headers stay separate", async () => {
        const { responses } = await exchange(url, get(url, "/cookies"));
        expect(headerAll(responses[0], "set-cookie")).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
      });

      test("a streamed body arrives whole, chunked", async () => {
        const { responses } = await exchange(url, get(url, "/stream"));
        expect(responses[0].body.toString()).toBe("one,two");
        expect(responses[0].complete).toBe(true);
      });

      test("a response stream that errors after the headers aborts the connection", async () => {
        const { responses, closed } = await exchange(url, get(url, "/stream-error"));
        expect(responses[0].status).toBe(200);
        expect(responses[0].body.toString()).toBe("partial");
        expect(responses[0].complete).toBe(false);
        expect(closed).toBe(true);
      });
    });

    describe("requests", () => {
      test("request.url is exact: scheme, host, port and percent-encoding preserved", async () => {
        const path = "/url/a%20b/%7Euser/%2F?q=%2F%20&x=1#";
        const { responses } = await exchange(url, get(url, path.replace("#", "")));
        expect(responses[0].body.toString()).toBe(`${url}${path.replace("#", "")}`);
      });

      test("an absolute-form request target wins over the Host header", async () => {
        const { responses } = await exchange(url, "GET http://abs.example:9/url?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
        expect(responses[0].body.toString()).toBe(
          exception("absoluteFormUsesHost") ? "http://other.example/url?q=1" : "http://abs.example:9/url?q=1",
        );
      });

      test("a HTTP/1.1 request without Host gets 400", async () => {
        const { responses } = await exchange(url, "GET /hello HTTP/1.1\r\n\r\n");
        expect(responses[0].status).toBe(400);
      });

      test("repeated request headers are joined with comma-space", async () => {
        const { responses } = await exchange(url, get(url, "/headers", "X-Multi: one\r\nx-multi: two\r\nAccept: a\r\nAccept: b\r\n"));
        const seen = JSON.parse(responses[0].body.toString());
        expect(seen["x-multi"]).toBe("one, two");
        expect(seen["accept"]).toBe("a, b");
      });

      test("ctx.ip is the client address as plain IPv4", async () => {
        const { responses } = await exchange(url, get(url, "/ip"));
        expect(responses[0].body.toString()).toBe("127.0.0.1");
      });

      test("keep-alive and pipelined requests are answered in order", async () => {
        const paths = ["/method", "/hello", "/bytes", "/json", "/method"];
        const { responses } = await exchange(url, paths.map((p) => get(url, p)).join(""), { responses: paths.length });
        expect(responses.map((r) => r.body.toString())).toEqual(["GET", "Hello, World!", "binary body", '{"ok":true}', "GET"]);
      });

      test("Expect: 100-continue gets its 100 before the body is sent", async () => {
        const { hostname, port } = new URL(url);
        const socket = net.connect(Number(port), hostname);
        let received = "";
        const sawContinue = new Promise<void>((resolve) => {
          socket.on("data", (chunk) => {
            received += chunk.toString("latin1");
            if (received.includes("100 Continue")) resolve();
          });
        });
        socket.write(`POST /body/text HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
        await sawContinue;
        const done = new Promise<void>((resolve) => socket.on("data", () => received.includes("\r\n\r\n5") && resolve()));
        socket.write("hello");
        await done;
        socket.destroy();
        expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      });
    });

    describe("bodies", () => {
      test("text and JSON bodies arrive intact", async () => {
        const text = "héllo wörld ✓".repeat(1000);
        expect(await (await fetch(`${url}/body/text`, { method: "POST", body: text })).text()).toBe(String(text.length));
        const json = { a: [1, 2, { b: "c" }], d: "é" };
        expect(await (await fetch(`${url}/body/json`, { method: "POST", body: JSON.stringify(json) })).json()).toEqual(json);
      });

      test("a binary body of many MiB arrives intact", async () => {
        const bytes = randomBytes(6 * 1024 * 1024);
        const res = await fetch(`${url}/body/bytes`, { method: "POST", body: bytes });
        expect(await res.json()).toEqual({ length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
      });

      test("a chunked body can be read as a stream", async () => {
        const parts = ["a".repeat(1000), "b".repeat(70_000), "c"];
        const chunked = parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join("") + "0\r\n\r\n";
        const { responses } = await exchange(url, `POST /body/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`);
        expect(responses[0].body.toString()).toBe("71001");
      });

      test("multipart form data with files arrives intact", async () => {
        const file = randomBytes(300_000);
        const form = new FormData();
        form.append("title", "hello ✓");
        form.append("upload", new Blob([file], { type: "application/octet-stream" }), "data.bin");
        const res = await fetch(`${url}/body/form`, { method: "POST", body: form });
        expect(await res.json()).toEqual({
          title: "hello ✓",
          upload: { name: "data.bin", type: "application/octet-stream", size: file.length, sha256: createHash("sha256").update(file).digest("hex") },
        });
      });

      test("urlencoded form data arrives intact", async () => {
        const res = await fetch(`${url}/body/form`, { method: "POST", body: new URLSearchParams({ a: "1", b: "x y&z" }) });
        expect(await res.json()).toEqual({ a: "1", b: "x y&z" });
      });

      test("a large response streams with backpressure: memory stays flat while a slow client reads", async () => {
        const before = (await (await fetch(`${url}/memory`)).json()).rss as number;
        const size = 96 * 1024 * 1024;
        const { hostname, port } = new URL(url);
        const socket = net.connect(Number(port), hostname);
        socket.write(get(url, `/big?size=${size}`, "Connection: close\r\n"));
        let received = 0;
        const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
        // Read a little, then stop reading for a while: the server must not buffer the rest.
        await new Promise<void>((resolve) => {
          socket.on("data", (chunk) => {
            received += chunk.length;
            resolve();
          });
        });
        socket.pause();
        await sleep(1500);
        const during = (await (await fetch(`${url}/memory`)).json()).rss as number;
        socket.resume();
        await ended;
        socket.destroy();
        expect(received).toBeGreaterThanOrEqual(size);
        expect(during - before).toBeLessThan(48 * 1024 * 1024);
      });
    });

    describe("errors", () => {
      test("a handler that throws, rejects or returns a non-Response gets a plain 500, logged once", async () => {
        for (const path of ["/throw", "/reject", "/not-response", "/undefined"]) {
          const { responses } = await exchange(url, get(url, path));
          expect(responses[0].status, path).toBe(500);
          expect(responses[0].body.toString(), path).toBe("Internal Server Error");
        }
        await sleep(100);
        const log = server.stderr();
        expect(log.match(/thrown on purpose/g)?.length).toBe(1);
        expect(log.match(/rejected on purpose/g)?.length).toBe(1);
        expect(log.match(/ERR_INVALID_RESPONSE/g)?.length).toBe(2);
        expect(log).not.toMatch(/\n\s+at /); // one line, no stack trace
        // ...and the server keeps serving.
        expect((await exchange(url, get(url, "/hello"))).responses[0].status).toBe(200);
      });

      test("the error hook turns a thrown error into its Response", async () => {
        const { responses } = await exchange(url, get(url, "/teapot"));
        expect(responses[0].status).toBe(418);
        expect(responses[0].body.toString()).toBe("hook: teapot: handled by the error hook");
      });

      test("a request with both Content-Length and Transfer-Encoding gets 400", async () => {
        const { responses } = await exchange(url, "POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        expect(responses[0].status).toBe(400);
      });

      test("a malformed request gets 400", async () => {
        const { responses } = await exchange(url, "GARBAGE\r\n\r\n");
        expect(responses[0].status).toBe(400);
      });

      test("malformed requests of every kind get 400, and the server keeps serving", async () => {
        const H = "Host: x\r\n";
        // [name, request, status; 0 means closed without a response]
        const cases: [string, string, number][] = [
          ["bad chunk size", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`, exception("brokenBodyCloses") ? 0 : 400],
          ["invalid header name", `GET /hello HTTP/1.1\r\n${H}Bad Header: x\r\n\r\n`, 400],
          ["header line without colon", `GET /hello HTTP/1.1\r\n${H}NoColon\r\n\r\n`, 400],
          ["control character in a value", `GET /hello HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`, 400],
          ["space before colon", `GET /hello HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, 400],
          ["obs-fold continuation line", `GET /hello HTTP/1.1\r\n${H}X-A: a\r\n  b\r\n\r\n`, 400],
          ["bad method characters", `G(T /hello HTTP/1.1\r\n${H}\r\n`, 400],
          ["negative Content-Length", `POST /body/text HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, 400],
          ["two different Content-Lengths", `POST /body/text HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`, 400],
          ["Transfer-Encoding not ending in chunked", `POST /body/text HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, 400],
          ["NUL in the target", `GET /he\x00llo HTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
          ["space in the target", `GET /he llo HTTP/1.1\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
          ["unknown HTTP version", `GET /hello HTTP/9.9\r\n${H}\r\n`, exception("bun505") ? 505 : 400],
          ["two Host headers", `GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, exception("bunHostNotValidated") ? 200 : 400],
          ["empty Host header", `GET /hello HTTP/1.1\r\nHost:\r\n\r\n`, exception("bunHostNotValidated") ? 404 : 400],
        ];
        const seen: [string, number][] = [];
        for (const [name, request] of cases) {
          const { responses } = await exchange(url, request, { timeoutMs: 3000 });
          seen.push([name, responses[0]?.status ?? 0]);
        }
        expect(seen).toEqual(cases.map(([name, , status]) => [name, status]));
        expect((await exchange(url, get(url, "/hello"))).responses[0].status).toBe(200);
      });

      test("request heads over 16 KiB get 431", async () => {
        for (const size of [17 * 1024, 70 * 1024]) {
          const { responses } = await exchange(url, get(url, "/hello", `X-Big: ${"a".repeat(size)}\r\n`));
          const expected = exception("headerLimit64KiB400") ? (size < 64 * 1024 ? 200 : 400) : 431;
          expect(responses[0].status, `${size} bytes`).toBe(expected);
        }
        const { responses } = await exchange(url, get(url, "/hello", `X-Fits: ${"a".repeat(15 * 1024)}\r\n`));
        expect(responses[0].status).toBe(200);
      });

      test("maxRequestBodySize gives 413 for a Content-Length body", async () => {
        const { responses } = await exchange(url, `POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: ${9 * 1024 * 1024}\r\n\r\n`);
        expect(responses[0].status).toBe(413);
      });

      test("maxRequestBodySize gives 413 for a chunked body", async () => {
        const chunk = `10000\r\n${"x".repeat(0x10000)}\r\n`;
        const parts = [`POST /body/text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`];
        for (let sent = 0; sent <= 9 * 1024 * 1024; sent += 0x10000) parts.push(chunk);
        const { responses } = await exchange(url, parts, { timeoutMs: 10_000 });
        expect(responses[0]?.status).toBe(413);
        // ...and the server keeps serving.
        expect((await exchange(url, get(url, "/hello"))).responses[0].status).toBe(200);
      });
    });

    describe("request.signal", () => {
      test("request.signal aborts when the client disconnects before the response", async () => {
        const id = `hold-${Math.random()}`;
        const { hostname, port } = new URL(url);
        const socket = net.connect(Number(port), hostname);
        socket.write(get(url, `/signal/hold?id=${id}`));
        await sleep(300);
        socket.destroy();
        let status = "";
        for (let i = 0; i < 50 && status !== "aborted"; i++) {
          await sleep(50);
          status = await (await fetch(`${url}/signal/status?id=${id}`)).text();
        }
        expect(status).toBe("aborted");
      });

      test("request.signal never aborts after a normal response", async () => {
        const id = `quick-${Math.random()}`;
        const { responses } = await exchange(url, get(url, `/signal/quick?id=${id}`, "Connection: close\r\n"));
        expect(responses[0].body.toString()).toBe("quick");
        await sleep(300);
        expect(await (await fetch(`${url}/signal/status?id=${id}`)).text()).toBe("not-aborted");
      });
    });

    describe("server", () => {
      test("ctx.waitUntil work runs after the response is sent", async () => {
        const id = `w-${Math.random()}`;
        expect(await (await fetch(`${url}/wait-until?id=${id}`)).text()).toBe("scheduled");
        let status = "pending";
        for (let i = 0; i < 40 && status !== "done"; i++) {
          await sleep(25);
          status = await (await fetch(`${url}/wait-until/status?id=${id}`)).text();
        }
        expect(status).toBe("done");
      });

      test("SIGTERM with a request that never finishes exits 0 after the 10 s deadline", async () => {
        const own = await startServer("test/fixture/hang.ts", runtime, { port: 0, hostname: "127.0.0.1" });
        const hanging = fetch(`${own.url}/hang`).then(() => "answered", () => "dropped");
        await sleep(200);
        const code = await own.stop(20_000);
        expect(code).toBe(0);
        expect(await hanging).toBe("dropped");
        expect(own.stderr()).toMatch(/in-flight requests did not finish within 10 s; closing them/);
      }, 30_000);

      test("server.reload() swaps fetch for new requests without dropping the connection", async () => {
        const own = await startServer("test/fixture/reload.ts", runtime, { port: 0, hostname: "127.0.0.1" });
        try {
          const { responses, closed } = await exchange(own.url, [get(own.url, "/"), get(own.url, "/swap"), get(own.url, "/")], {
            responses: 3,
          });
          expect(responses.map((r) => r.body.toString())).toEqual(["v1", "swapped", "v2"]);
          expect(closed).toBe(false);
        } finally {
          await own.stop();
        }
      });

      test("idleTimeout closes a keep-alive connection that stays idle", async () => {
        const own = await startServer("test/fixture/idle.ts", runtime, { port: 0, hostname: "127.0.0.1" });
        try {
          const { hostname, port } = new URL(own.url);
          const socket = net.connect(Number(port), hostname);
          const closed = new Promise<string>((resolve) => {
            socket.on("close", () => resolve("closed"));
            socket.on("error", () => {});
          });
          socket.resume();
          socket.write(get(own.url, "/"));
          // Bounded wait: 1 s idle timeout, generous slack for a busy machine.
          const outcome = await Promise.race([closed, sleep(6000).then(() => "open")]);
          socket.destroy();
          expect(outcome).toBe(exception("noIdleTimeout") ? "open" : "closed");
        } finally {
          await own.stop();
        }
      });

      test("SIGTERM stops gracefully: in-flight requests finish, new connections are refused, exit 0", async () => {
        const own = await startServer(FIXTURE, runtime, { port: 0, hostname: "127.0.0.1" });
        const inflight = fetch(`${own.url}/slow?ms=700`).then((r) => r.text());
        await sleep(200);
        const exited = own.stop();
        await sleep(150);
        const refused = await fetch(`${own.url}/hello`).then(() => "served", () => "refused");
        expect(await inflight).toBe("slow done");
        expect(refused).toBe("refused");
        expect(await exited).toBe(0);
      });
    });
  });
}
