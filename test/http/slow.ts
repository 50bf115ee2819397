/**
 * Slow clients (issue 10): a request head that does not arrive whole within
 * 10 s (one byte at a time, or one whole header line a second), and a body
 * that brings less than 1 KiB per `idleTimeout`, get their connection closed
 * (no response) on every runtime, while a normal client is served meanwhile.
 * Bounded: three of each, against a fixture with `idleTimeout` 1 s.
 */
import net from "node:net";
import { describe, expect, test } from "vitest";
import type { Suite } from "./_suite.ts";

/** How long the case waits for the slow connections to be closed: the 10 s head bound, Bun's 4 s timer ticks, a loaded machine. */
const WAIT_MS = 20_000;

/** A connection that sends `data` one piece every `everyMs` (after `first`, sent at once); resolves what it got when closed. */
function trickle(url: string, first: string, data: string[], everyMs: number): { closed: Promise<string>; socket: net.Socket } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.on("error", () => {});
  socket.write(first);
  let at = 0;
  const timer = setInterval(() => {
    if (at < data.length) socket.write(data[at++]);
  }, everyMs);
  let got = "";
  socket.on("data", (chunk: Buffer) => (got += chunk.toString("latin1")));
  const closed = new Promise<string>((resolve) =>
    socket.on("close", () => {
      clearInterval(timer);
      resolve(got);
    })
  );
  return { closed, socket };
}

export function slowClients(s: Suite): void {
  const { exception } = s;
  describe("slow clients", () => {
    test("slow request heads (by the byte or by the line) and trickling bodies are closed while a normal client is served", async () => {
      const server = await s.start("test/fixture/slow-clients.ts");
      const slow: ReturnType<typeof trickle>[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          slow.push(trickle(server.url, "G", [...`ET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ${"a".repeat(200)}\r\n\r\n`], 300));
          // A whole header line a second: each line is progress, the head as a whole is not.
          const lines = Array.from({ length: 60 }, (_, n) => `X-Line-${n}: ${"c".repeat(40)}\r\n`);
          slow.push(trickle(server.url, "GET /hello HTTP/1.1\r\nHost: x\r\n", [...lines, "\r\n"], 1000));
          slow.push(trickle(server.url, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", [..."b".repeat(1000)], 300));
        }
        const states = slow.map((c) => c.closed.then((got) => `closed: ${JSON.stringify(got)}`));
        const served: number[] = [];
        for (let i = 0; i < 5; i++) {
          served.push((await fetch(`${server.url}/hello`)).status);
          await s.sleep(500);
        }
        expect(served).toEqual([200, 200, 200, 200, 200]);
        const deadline = s.sleep(WAIT_MS).then(() => "open");
        const seen = await Promise.all(states.map((state) => Promise.race([state, deadline])));
        const expected = exception("denoSlowClientsKept") ? "open" : 'closed: ""';
        expect(seen).toEqual(Array(9).fill(expected));
      } finally {
        for (const c of slow) c.socket.destroy();
        await server.stop();
      }
    }, 60_000);
  });
}
