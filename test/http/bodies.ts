/** Request bodies in every form, and large responses under backpressure. */
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { describe, expect, test } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function bodies(s: Suite): void {
  const { exception, sleep } = s;
  describe("bodies", () => {
    test("text and JSON bodies arrive intact", async () => {
      const text = "héllo wörld ✓".repeat(1000);
      expect(await (await s.fetch(`${s.url()}/body/text`, { method: "POST", body: text })).text()).toBe(String(text.length));
      const json = { a: [1, 2, { b: "c" }], d: "é" };
      expect(await (await s.fetch(`${s.url()}/body/json`, { method: "POST", body: JSON.stringify(json) })).json()).toEqual(json);
    });

    s.http1Only("a POST without a body, or with Content-Length: 0, has an empty request.body (Bun: null)", async () => {
      const host = new URL(s.url()).host;
      for (const extra of ["", "Content-Length: 0\r\n"]) {
        const { responses } = await s.exchange(s.url(), `POST /body/none HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`);
        expect(JSON.parse(responses[0].body.toString()), extra || "no length").toEqual([exception("bunEmptyBodyNull") ? "null" : "stream", ""]);
      }
    });

    test("a body the handler reads only after an await arrives whole, small or past the flow-control window", async () => {
      for (const size of [5000, 200_000]) {
        const res = await s.fetch(`${s.url()}/body/later`, { method: "POST", body: "x".repeat(size) });
        expect(await res.text(), `${size} bytes`).toBe(String(size));
      }
    });

    test("a binary body of many MiB arrives intact", async () => {
      const bytes = randomBytes(6 * 1024 * 1024);
      const res = await s.fetch(`${s.url()}/body/bytes`, { method: "POST", body: bytes });
      expect(await res.json()).toEqual({ length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
    });

    test("a chunked body can be read as a stream", async () => {
      const parts = ["a".repeat(1000), "b".repeat(70_000), "c"];
      const chunked = parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join("") + "0\r\n\r\n";
      const { responses } = await s.exchange(s.url(), `POST /body/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`);
      expect(responses[0].body.toString()).toBe("71001");
    });

    test("multipart form data with files arrives intact", async () => {
      const file = randomBytes(300_000);
      const form = new FormData();
      form.append("title", "hello ✓");
      form.append("upload", new Blob([file], { type: "application/octet-stream" }), "data.bin");
      const res = await s.fetch(`${s.url()}/body/form`, { method: "POST", body: form });
      expect(await res.json()).toEqual({
        title: "hello ✓",
        upload: { name: "data.bin", type: "application/octet-stream", size: file.length, sha256: createHash("sha256").update(file).digest("hex") },
      });
    });

    test("urlencoded form data arrives intact", async () => {
      const res = await s.fetch(`${s.url()}/body/form`, { method: "POST", body: new URLSearchParams({ a: "1", b: "x y&z" }) });
      expect(await res.json()).toEqual({ a: "1", b: "x y&z" });
    });

    s.http1Only("a client that leaves mid-body makes the body read fail, and the server keeps serving", async () => {
      const id = `leave-${Math.random()}`;
      const logged = s.server().stderrLength();
      const { hostname, port } = new URL(s.url());
      const socket = net.connect(Number(port), hostname);
      socket.on("error", () => {});
      socket.write(`POST /body/watch?id=${id} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${"a".repeat(1000)}`);
      await s.sleep(300);
      socket.destroy();
      let status = "";
      for (let i = 0; i < 40 && status !== "read failed"; i++) {
        await s.sleep(50);
        status = await (await s.fetch(`${s.url()}/signal/status?id=${id}`)).text();
      }
      expect(status).toBe("read failed");
      expect(s.server().stderr(logged)).not.toMatch(/rejected a request/);
    });

    s.http1Only("a large response streams with backpressure: memory stays flat while a slow client reads", async () => {
      const before = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      const size = 96 * 1024 * 1024;
      const { hostname, port } = new URL(s.url());
      const socket = net.connect(Number(port), hostname);
      socket.write(get(s.url(), `/big?size=${size}`, "Connection: close\r\n"));
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
      const during = (await (await s.fetch(`${s.url()}/memory`)).json()).rss as number;
      socket.resume();
      await ended;
      socket.destroy();
      expect(received).toBeGreaterThanOrEqual(size);
      expect(during - before).toBeLessThan(48 * 1024 * 1024);
    });
  });
}
