/**
 * What HTTP/2 changes, as cases of their own (run by the suite over h2 and
 * h2c only, the same on every runtime): no connection-specific headers,
 * `:authority` as the URL's host, the body limit, stream resets reaching
 * `request.signal` and body reads, and bad input (garbage frames, a stream
 * flood past the concurrency limit, rapid reset) answered by the protocol
 * while other clients are served.
 */
import { execFile } from "node:child_process";
import http2 from "node:http2";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { connect, uploadH2 } from "../support/h2-client.ts";
import { get, header } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

/** Poll the fixture's record for `id` until it reads `want` (or give up after ~2.5 s). */
async function waitFor(s: Suite, id: string, want: string): Promise<string> {
  let status = "";
  for (let i = 0; i < 50 && status !== want; i++) {
    await s.sleep(50);
    status = await (await s.fetch(`${s.url()}/signal/status?id=${id}`)).text();
  }
  return status;
}

export function h2Cases(s: Suite): void {
  const { exception } = s;
  describe("HTTP/2", () => {
    test("a response carries no Connection or Keep-Alive header, even when the app sets them", async () => {
      for (const path of ["/hello", "/connection-headers"]) {
        const { responses } = await s.exchange(s.url(), get(s.url(), path));
        const names = responses[0].headers.map(([name]) => name);
        expect(names, path).not.toContain("connection");
        expect(names, path).not.toContain("keep-alive");
        expect(responses[0].status, path).toBe(200);
      }
      const { responses } = await s.exchange(s.url(), get(s.url(), "/connection-headers"));
      expect([header(responses[0], "x-kept"), responses[0].body.toString()]).toEqual(["yes", "hop"]);
    });

    test("curl speaks HTTP/2 to the server (--http2 over TLS, --http2-prior-knowledge for h2c)", async () => {
      const { stdout } = await promisify(execFile)("curl", ["-s", ...s.curl(), "-w", "\n%{http_version} %{response_code}", `${s.url()}/hello`]);
      expect(stdout).toBe("Hello, World!\n2 200");
    });

    test("h2load: 400 requests on 4 connections x 10 streams, none failed", async () => {
      const args = ["-n", "400", "-c", "4", "-m", "10", "-t", "1", `${s.url()}/hello`];
      const { stdout } = await promisify(execFile)("h2load", args, { timeout: 60_000 });
      expect(stdout).toMatch(/Application protocol: h2c?\b/);
      expect(stdout).toMatch(/requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored, 0 timeout/);
      expect(stdout).toMatch(/status codes: 400 2xx/);
    });

    test(":authority becomes request.url's host, with the connection's scheme", async () => {
      const scheme = new URL(s.url()).protocol;
      const { responses } = await s.exchange(s.url(), "GET /url/x?y=1 HTTP/1.1\r\nHost: other.example:8443\r\n\r\n");
      expect(responses[0].body.toString()).toBe(`${scheme}//other.example:8443/url/x?y=1`);
    });

    test("request.headers has no Host over HTTP/2 (Bun adds one from :authority)", async () => {
      const seen = await (await s.fetch(`${s.url()}/headers`, { headers: { "x-a": "1" } })).json();
      expect(seen["x-a"]).toBe("1");
      expect(seen.host).toBe(exception("bunH2HostHeader") ? new URL(s.url()).host : undefined);
    });

    test("a body over maxRequestBodySize gets 413, declared or streamed, and the server keeps serving", async () => {
      const declared = await s.exchange(s.url(), `POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: ${9 * 1024 * 1024}\r\n\r\n`);
      expect(declared.responses[0]?.status).toBe(413);
      const session = connect(s.url(), s.ca());
      const streamed = await uploadH2(session, `${s.url()}/body/text`, 9 * 1024 * 1024 + 1, false);
      session.destroy();
      expect(streamed.status).toBe(413);
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("a large response streams with HTTP/2 flow control: memory stays flat while a slow client reads", async () => {
      const before = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      const size = 96 * 1024 * 1024;
      const session = connect(s.url(), s.ca());
      const stream = session.request({ ":path": `/big?size=${size}` });
      let received = 0;
      const ended = new Promise<void>((resolve) => stream.on("end", resolve).on("close", resolve));
      // Read a little, then stop reading (no WINDOW_UPDATE) for a while: the server must not buffer the rest.
      await new Promise<void>((resolve) => {
        stream.on("data", (chunk: Buffer) => {
          received += chunk.length;
          resolve();
        });
      });
      stream.pause();
      await s.sleep(1500);
      const during = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      stream.resume();
      await ended;
      session.destroy();
      expect(received).toBe(size);
      expect(during - before).toBeLessThan(48 * 1024 * 1024);
    });

    // A reset may carry NO_ERROR: undici's fetch sends that when its signal aborts (Node's server missed it).
    const resets = { CANCEL: http2.constants.NGHTTP2_CANCEL, NO_ERROR: http2.constants.NGHTTP2_NO_ERROR };

    test("request.signal aborts when the client resets its stream (CANCEL or NO_ERROR)", async () => {
      const seen: Record<string, string> = {};
      for (const [name, code] of Object.entries(resets)) {
        const id = `h2-reset-${Math.random()}`;
        const session = connect(s.url(), s.ca());
        const stream = session.request({ ":path": `/signal/hold?id=${id}` });
        stream.on("error", () => {});
        await s.sleep(300);
        stream.close(code);
        seen[name] = await waitFor(s, id, "aborted");
        session.close();
      }
      expect(seen).toEqual({ CANCEL: "aborted", NO_ERROR: "aborted" });
    });

    test("a stream reset mid-response (CANCEL or NO_ERROR) cancels the body and aborts request.signal, the connection serving on", async () => {
      // denoH2SignalMidBody: Deno runs the body's cancel() only.
      const cancelled = exception("denoCancelReasonString") ? "cancelled: string" : "cancelled: AbortError";
      const signal = exception("denoH2SignalMidBody") ? "not aborted" : "aborted";
      const seen: Record<string, string[]> = {};
      const session = connect(s.url(), s.ca());
      for (const [name, code] of Object.entries(resets)) {
        const id = `h2-leave-mid-${Math.random()}`;
        const stream = session.request({ ":path": `/stream-cancel?id=${id}` });
        stream.on("error", () => {});
        await new Promise((resolve) => stream.once("data", resolve));
        stream.close(code);
        seen[name] = [await waitFor(s, id, cancelled), await waitFor(s, `${id}-signal`, signal)];
      }
      expect(seen).toEqual({ CANCEL: [cancelled, signal], NO_ERROR: [cancelled, signal] });
      const again = session.request({ ":path": "/hello" });
      let body = "";
      again.setEncoding("utf8").on("data", (chunk) => (body += chunk));
      await new Promise((resolve) => again.on("end", resolve));
      expect(body).toBe("Hello, World!");
      session.close();
    });

    test("a stream reset mid-body makes the body read fail, and the connection keeps serving", async () => {
      const id = `h2-leave-${Math.random()}`;
      const session = connect(s.url(), s.ca());
      const stream = session.request({ ":method": "POST", ":path": `/body/watch?id=${id}`, "content-length": "100000" });
      stream.on("error", () => {});
      stream.write("a".repeat(1000));
      await s.sleep(300);
      stream.close(http2.constants.NGHTTP2_CANCEL);
      const outcome = await waitFor(s, id, "read failed");
      if (exception("denoH2ResetBodyReads")) expect(["read", "read failed"]).toContain(outcome);
      else expect(outcome).toBe("read failed");
      const again = session.request({ ":path": "/hello" });
      let body = "";
      again.setEncoding("utf8").on("data", (chunk) => (body += chunk));
      await new Promise((resolve) => again.on("end", resolve));
      expect(body).toBe("Hello, World!");
      session.close();
    });

    test("a :path that is not origin-form (no leading slash, an absolute URI) is a stream error, PROTOCOL_ERROR (RFC 9113 8.3.1), and the connection serves on", async () => {
      const session = connect(s.url(), s.ca());
      const seen: string[] = [];
      for (const path of ["url", "https://a.example/url", "/hello"]) {
        seen.push(await new Promise<string>((resolve) => {
          const stream = session.request({ ":path": path });
          let body = "";
          stream.on("response", (head) => stream.on("end", () => resolve(`${head[":status"]} ${body}`)));
          stream.setEncoding("utf8").on("data", (chunk) => (body += chunk));
          stream.on("error", () => {});
          stream.on("close", () => resolve(`reset ${stream.rstCode}`));
        }));
      }
      session.close();
      // denoH2PathUnchecked: Deno serves both, a slash put before each (the fixture has no `/https:...` route).
      const refused = exception("denoH2PathUnchecked") ? [`200 ${s.url()}/url`, "404 not found"] : ["reset 1", "reset 1"];
      expect(seen).toEqual([...refused, "200 Hello, World!"]);
    });

    test("idleTimeout closes an idle HTTP/2 connection (GOAWAY, then close)", async () => {
      const own = await s.start("test/fixture/idle.ts");
      try {
        const session = connect(own.url, s.ca());
        const closed = new Promise<string>((resolve) => session.once("close", () => resolve("closed")));
        const stream = session.request({ ":path": "/" });
        stream.resume();
        await new Promise((resolve) => stream.on("close", resolve));
        // Bounded wait: 1 s idle timeout, generous slack for a busy machine.
        const outcome = await Promise.race([closed, s.sleep(6000).then(() => "open")]);
        session.destroy();
        expect(outcome).toBe(exception("noIdleTimeout") ? "open" : "closed");
      } finally {
        await own.stop();
      }
    });

    test("request header lists over 16 KiB get 431, past the HPACK limits GOAWAY, and the server keeps serving", async () => {
      const seen: [number, string][] = [];
      for (const size of [15 * 1024, 17 * 1024, 256 * 1024]) {
        const session = http2.connect(s.url(), { ca: s.ca(), maxSendHeaderBlockLength: 1 << 20 } as http2.SecureClientSessionOptions);
        const outcome = await new Promise<string>((resolve) => {
          session.on("error", () => resolve("goaway"));
          session.on("goaway", (code) => resolve(code ? "goaway" : "goaway 0"));
          const stream = session.request({ ":path": "/hello", "x-big": "a".repeat(size) });
          stream.on("response", (h) => resolve(String(h[":status"])));
          stream.on("error", () => {});
          stream.on("close", () => resolve(`reset ${stream.rstCode}`));
          stream.resume();
        });
        session.destroy();
        seen.push([size, outcome]);
      }
      expect(seen).toEqual([[15 * 1024, "200"], [17 * 1024, "431"], [256 * 1024, "goaway"]]);
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("a request with more than 200 header entries (196 fields and the pseudo-header fields) gets 431; 196 fields reach the app whole", async () => {
      const seen: [number, string, number][] = [];
      for (const n of [124, 196, 197, 300]) {
        const session = connect(s.url(), s.ca());
        const headers: http2.OutgoingHttpHeaders = { ":path": "/headers" };
        for (let i = 0; i < n; i++) headers[`x-h${i}`] = "v";
        const [status, body] = await new Promise<[string, string]>((resolve) => {
          session.on("error", () => resolve(["goaway", ""]));
          const stream = session.request(headers);
          let text = "";
          stream.on("response", (h) => stream.on("end", () => resolve([String(h[":status"]), text])));
          stream.on("data", (chunk) => (text += chunk));
          stream.on("error", () => {});
          stream.on("close", () => resolve([`reset ${stream.rstCode}`, ""]));
        });
        session.destroy();
        const fields = status === "200" ? Object.keys(JSON.parse(body)).filter((name) => name.startsWith("x-h")).length : 0;
        seen.push([n, status, fields]);
      }
      // denoH2HeaderEntries: Deno serves them all, up to its header list bound.
      const over = (n: number) => !exception("denoH2HeaderEntries") && n > 196;
      expect(seen).toEqual([124, 196, 197, 300].map((n) => [n, over(n) ? "431" : "200", over(n) ? 0 : n]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("garbage after the preface gets GOAWAY (PROTOCOL_ERROR or FRAME_SIZE_ERROR) and others are served", async () => {
      // Read as a frame header, "garbage" announces a 6.7 MB frame: past SETTINGS_MAX_FRAME_SIZE.
      const goaway = await rawH2(s, Buffer.from("garbage-garbage-garbage", "latin1"));
      expect(goaway).toBeGreaterThan(0); // a GOAWAY with an error code, then the connection closes
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("streams past the concurrency limit are refused, the rest answered, and others are served", async () => {
      const session = connect(s.url(), s.ca());
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      const limit = session.remoteSettings.maxConcurrentStreams!;
      expect(limit).toBeLessThanOrEqual(1000);
      const results = await Promise.all(
        Array.from({ length: Math.min(limit, 1000) + 50 }, () =>
          new Promise<string>((resolve) => {
            const stream = session.request({ ":path": "/slow?ms=300" });
            stream.on("response", (h) => resolve(String(h[":status"])));
            stream.on("error", () => resolve("refused"));
            stream.on("close", () => resolve(stream.rstCode ? "refused" : "closed"));
            stream.resume();
          })),
      );
      session.destroy();
      expect(results.filter((r) => r === "200").length).toBeGreaterThanOrEqual(Math.min(limit, 1000) - 0);
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("rapid reset (streams opened and cancelled at once) keeps memory flat and others served", async () => {
      const before = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      for (let round = 0; round < 5; round++) {
        const session = connect(s.url(), s.ca());
        session.on("error", () => {});
        await new Promise((resolve) => session.once("remoteSettings", resolve));
        for (let i = 0; i < 1000 && !session.destroyed && !session.closed; i++) {
          try {
            const stream = session.request({ ":path": "/slow?ms=50" });
            stream.on("error", () => {});
            stream.close(http2.constants.NGHTTP2_CANCEL);
          } catch {
            break; // the server sent GOAWAY: that is an answer too
          }
        }
        await s.sleep(100);
        session.destroy();
      }
      const after = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      expect(after - before).toBeLessThan(64 * 1024 * 1024);
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });
  });
}

/** Open an HTTP/2 connection, send the preface and SETTINGS, then `bytes`: the GOAWAY error code seen, or -1. */
async function rawH2(s: Suite, bytes: Buffer): Promise<number> {
  const socket = await s.rawSocket(["h2"]);
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    let code = -1;
    const timer = setTimeout(() => done(), 3000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    socket.on("data", (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      // Frames: 3-byte length, type, flags, 4-byte stream id, payload. GOAWAY is type 7.
      for (let at = 0; at + 9 <= got.length;) {
        const length = got.readUIntBE(at, 3);
        if (got[at + 3] === 7 && at + 9 + 8 <= got.length) code = got.readUInt32BE(at + 9 + 4);
        at += 9 + length;
      }
    });
    socket.on("close", done);
    socket.on("error", done);
    socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), bytes]));
  });
}
