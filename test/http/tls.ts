/**
 * HTTPS conformance: the same fixture app served with `--cert`/`--key` on each
 * runtime, checked with a client that verifies the certificate.
 */
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { alongside } from "../support/alongside.ts";
import { startTlsServer } from "../support/cert.ts";
import { servedBy, startLocal } from "../support/served.ts";
import { applies, type ExceptionName } from "../support/exceptions.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  alpn: string | false;
}

function request(url: string, ca: string, path: string, init: { method?: string; body?: string; target?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = { ca, method: init.method ?? "GET", agent: false, ...(init.target ? { path: init.target } : {}) };
    const req = https.request(`${url}${path}`, options, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk) => (body += chunk)).on("end", () => {
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body,
          alpn: (res.socket as import("node:tls").TLSSocket).alpnProtocol ?? false,
        });
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/**
 * What a browser does for https://localhost:PORT/path: offer h2 and http/1.1
 * by ALPN, then ask with authority localhost:PORT (`:authority` in HTTP/2,
 * `Host` in HTTP/1.1). Resolves the protocol spoken, the status and the body.
 */
function browserLike(url: string, ca: string, path: string): Promise<{ protocol: string; status: number; body: string }> {
  const { hostname, port } = new URL(url);
  const authority = `localhost:${port}`;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), servername: "localhost", ca, ALPNProtocols: ["h2", "http/1.1"] });
    socket.on("error", reject);
    socket.once("secureConnect", () => {
      if (socket.alpnProtocol === "h2") {
        const session = http2.connect(`https://${authority}`, { createConnection: () => socket });
        session.on("error", reject);
        const stream = session.request({ ":path": path, ":authority": authority });
        let status = 0;
        let body = "";
        stream.on("response", (headers) => (status = Number(headers[":status"])));
        stream.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        stream.on("end", () => {
          session.close();
          resolve({ protocol: "h2", status, body });
        });
        stream.on("error", reject);
        return;
      }
      let raw = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk));
      socket.on("end", () => {
        const [head, ...rest] = raw.split("\r\n\r\n");
        resolve({ protocol: "http/1.1", status: Number(head.split(" ")[1]), body: rest.join("\r\n\r\n") });
      });
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
    });
  });
}

/** The protocol the server picks by ALPN from `offered` ("http/1.1" when it picks none, RFC 7301 3.2). */
function negotiated(url: string, ca: string, offered: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca, ALPNProtocols: offered }, () => {
      resolve(socket.alpnProtocol || "http/1.1");
      socket.destroy();
    });
    socket.on("error", reject);
  });
}

/** GET `path` over cleartext HTTP/2 with prior knowledge: the status, or "refused" when the server does not speak h2c. */
function h2c(url: string, path: string): Promise<string> {
  return new Promise((resolve) => {
    const session = http2.connect(url);
    const done = (outcome: string) => {
      session.destroy();
      resolve(outcome);
    };
    session.on("error", () => done("refused"));
    const stream = session.request({ ":path": path });
    stream.on("response", (h) => done(String(h[":status"])));
    stream.on("error", () => done("refused"));
    stream.on("close", () => done("refused"));
    setTimeout(() => done("refused"), 3000);
  });
}

export function tlsConformance(runtime: Runtime): void {
  const exception = (name: ExceptionName<"http">) => applies(name, runtime);
  // Its own server: it runs alongside the file's conformance block (test/support/alongside.ts).
  alongside(describe(`https on ${runtime}`, () => {
    let ca: string;
    const server = servedBy(async () => {
      const started = await startTlsServer("test/fixture/http-app.ts", runtime);
      ca = started.ca;
      return started.server;
    });

    test("serve --cert --key listens on https and says so", () => {
      expect(server().url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    });

    test("https responses carry the same headers and bodies as http", async () => {
      const hello = await request(server().url, ca, "/hello");
      expect([hello.status, hello.body, hello.headers["content-length"], hello.headers["content-type"]]).toEqual([
        200,
        "Hello, World!",
        "13",
        exception("bunCharsetLowercase") ? "text/plain;charset=utf-8" : "text/plain;charset=UTF-8",
      ]);
      expect(hello.alpn).toBe(false); // an HTTP/1.1 client stays on HTTP/1.1
      const cookies = await request(server().url, ca, "/cookies");
      expect(cookies.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
    });

    test("ALPN gives each client what it asks for: h2 to h2 and http/1.1, http/1.1 to http/1.1", async () => {
      expect(await negotiated(server().url, ca, ["h2", "http/1.1"])).toBe("h2");
      expect(await negotiated(server().url, ca, ["http/1.1"])).toBe("http/1.1");
      expect(await negotiated(server().url, ca, ["h2"])).toBe("h2");
    });

    test("a browser asking for https://localhost:PORT is served over HTTP/2", async () => {
      const reply = await browserLike(server().url, ca, "/url/x");
      const port = new URL(server().url).port;
      expect(reply).toEqual({ protocol: "h2", status: 200, body: `https://localhost:${port}/url/x` });
    });

    test("--no-http2 offers HTTP/1.1 only by ALPN (Deno cannot turn HTTP/2 off)", async () => {
      const { server: h1, ca } = await startTlsServer("test/fixture/http-app.ts", runtime, { http2: false });
      try {
        expect(await negotiated(h1.url, ca, ["h2", "http/1.1"])).toBe(exception("denoHttp2AlwaysOn") ? "h2" : "http/1.1");
        const reply = await browserLike(h1.url, ca, "/hello");
        expect(reply).toEqual({ protocol: exception("denoHttp2AlwaysOn") ? "h2" : "http/1.1", status: 200, body: "Hello, World!" });
      } finally {
        await h1.stop();
      }
    });

    test("without TLS, h2c by prior knowledge is served, and --no-http2 refuses it (Deno cannot turn it off)", async () => {
      for (const http2Option of [undefined, false]) {
        const plain = await startLocal("test/fixture/http-app.ts", runtime, { http2: http2Option });
        try {
          const want = http2Option === false && !exception("denoHttp2AlwaysOn") ? "refused" : "200";
          expect(await h2c(plain.url, "/hello"), `http2: ${http2Option}`).toBe(want);
        } finally {
          await plain.stop();
        }
      }
    });

    test("request.url has the https scheme and ctx.ip the client address", async () => {
      expect((await request(server().url, ca, "/url/x?y=1")).body).toBe(`${server().url}/url/x?y=1`);
      expect((await request(server().url, ca, "/ip")).body).toBe("127.0.0.1");
    });

    test("an absolute-form target cannot downgrade the scheme: request.url keeps https", async () => {
      for (const target of ["http://evil.example/url/x?y=1", "HTTP://evil.example:8080/url/x?y=1"]) {
        const reply = await request(server().url, ca, "", { target });
        const authority = exception("absoluteFormUsesHost") ? new URL(server().url).host : new URL(target).host;
        expect([reply.status, reply.body], target).toEqual([200, `https://${authority}/url/x?y=1`]);
      }
    });

    test("a TLS handshake that never completes (silent, half a ClientHello) is closed after 10 s, plain HTTP at once; others are served", async () => {
      const { port } = new URL(server().url);
      const open = (data: string | Buffer) => {
        const socket = net.connect(Number(port), "127.0.0.1");
        socket.on("error", () => {});
        const got: Buffer[] = [];
        socket.on("data", (chunk: Buffer) => got.push(chunk));
        if (data.length) socket.write(data);
        const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(Buffer.concat(got).toString("latin1"))));
        return { socket, closed };
      };
      const plain = open("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      // The record header and first bytes of a ClientHello announcing 200 bytes: the rest never comes.
      const half = Buffer.from("16030100c8010000c40303", "hex");
      const stalled = Array.from({ length: 20 }, (_, i) => open(i % 2 ? half : ""));
      try {
        // Not an HTTP answer: Node and Bun close, Deno sends a TLS alert first.
        expect(await Promise.race([plain.closed, sleep(5000).then(() => "open")])).not.toMatch(/^HTTP\/|^open$/);
        for (let i = 0; i < 3; i++) expect((await request(server().url, ca, "/hello")).status).toBe(200);
        const kept = exception("denoTlsHandshakeKept");
        const deadline = sleep(kept ? 15_000 : 25_000).then(() => "open");
        const seen = await Promise.all(stalled.map((c) => Promise.race([c.closed.then((got) => `closed: ${JSON.stringify(got)}`), deadline])));
        expect(seen).toEqual(Array(20).fill(kept ? "open" : 'closed: ""'));
      } finally {
        for (const c of [plain, ...stalled]) c.socket.destroy();
      }
    }, 60_000);

    test("https request bodies arrive intact", async () => {
      const json = { a: [1, 2], é: "ü" };
      const echo = await request(server().url, ca, "/body/json", { method: "POST", body: JSON.stringify(json) });
      expect(JSON.parse(echo.body)).toEqual(json);
    });
  }));
}
