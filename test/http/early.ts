/**
 * Early responses (issue 10): a response sent before the request body arrived
 * in full (413 over `maxRequestBodySize`, or a handler that answers without
 * reading) reaches a client that is still sending, whichever client: the
 * fetch() of Node, Deno and Bun (each run in a child process of its runtime),
 * and curl. The server reads and discards the rest of the body (bounded)
 * before it closes, as nginx's lingering close does. Over HTTP/2 the client
 * is Node's `http2` one: the response arrives whole, then the stream ends
 * (RST_STREAM with NO_ERROR stops the upload, RFC 9113 8.1, or the server
 * takes the rest) and the connection serves its next stream. The runtimes'
 * fetch() speak HTTP/1.1 here, and this machine's curl 7.88 fails an early
 * response that comes with RST_STREAM NO_ERROR (exit 92; curl/curl#986, #22984).
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, test } from "vitest";
import { runtimeArgv } from "../../dist/cli/runtime.js";
import type { Runtime } from "../../src/types.ts";
import { connect, type H2Upload, uploadH2 } from "../support/h2-client.ts";
import { exchange, headerAll } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

const CLIENT = new URL("../support/upload-client.mjs", import.meta.url).pathname;
const MiB = 1024 * 1024;

/** What a client got: status, status text (where the client shows it) and body, or the error it failed with. */
interface Got {
  status?: number;
  statusText?: string;
  body?: string;
  error?: string;
}

function run(argv: string[]): Promise<string> {
  return new Promise((resolve) => {
    // A client still running after a minute hangs (waiting on a server that stopped reading): that fails.
    execFile(argv[0], argv.slice(1), { timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      resolve(error?.killed ? `{"error":"still running after 60 s"}` : stdout || `{"error":${JSON.stringify(String(stderr || error))}}`)
    );
  });
}

/** Upload `bytes` to `url` with the fetch() of `client` (Content-Length, or chunked). */
async function fetchFrom(client: Runtime, url: string, bytes: number, chunked: boolean): Promise<Got> {
  const out = await run(runtimeArgv(client, CLIENT, [url, String(bytes), chunked ? "1" : "0"]));
  return JSON.parse(out.trim().split("\n").pop()!) as Got;
}

/** Upload `bytes` to `url` with curl (Content-Length, or chunked). */
async function curl(url: string, bytes: number, chunked: boolean): Promise<Got> {
  const file = join(tmpdir(), `omniserve-upload-${process.pid}-${Math.random()}`);
  writeFileSync(file, new Uint8Array(bytes).fill(120));
  const args = ["-sS", "-i", "--data-binary", `@${file}`, ...(chunked ? ["-H", "Transfer-Encoding: chunked"] : []), url];
  const out = await run(["curl", ...args]).finally(() => rmSync(file, { force: true }));
  const head = /^HTTP\/1\.1 (\d+) ([^\r\n]*)\r\n[\s\S]*?\r\n\r\n/.exec(out.replace(/^HTTP\/1\.1 100[^]*?\r\n\r\n/, ""));
  if (!head) return { error: out.trim() };
  return { status: Number(head[1]), statusText: head[2], body: out.slice(out.indexOf(head[0]) + head[0].length) };
}

const CLIENTS = ["node", "deno", "bun", "curl"] as const;

function upload(client: (typeof CLIENTS)[number], url: string, bytes: number, chunked: boolean): Promise<Got> {
  return client === "curl" ? curl(url, bytes, chunked) : fetchFrom(client, url, bytes, chunked);
}

/** Upload `bytes` over HTTP/2 (with and without content-length), then ask for /hello on the same connection. */
async function h2Uploads(s: Suite, path: string, bytes: number): Promise<(H2Upload & { next: number })[]> {
  const seen = [];
  for (const declared of [true, false]) {
    const session = connect(s.url(), s.ca());
    const got = await uploadH2(session, `${s.url()}${path}`, bytes, declared);
    const next = new Promise<number>((resolve) => {
      const stream = session.request({ ":path": "/hello" });
      stream.on("response", (h) => resolve(Number(h[":status"]))).on("close", () => resolve(0)).resume();
    });
    seen.push({ ...got, next: await next });
    session.destroy();
  }
  return seen;
}

export function earlyResponses(s: Suite): void {
  const { exception } = s;
  describe("early responses", () => {
    test("an upload over maxRequestBodySize gets the same 413 with every client (Node's, Deno's and Bun's fetch, curl; over HTTP/2 Node's http2)", async () => {
      if (s.protocol !== "http/1.1") {
        const tooLarge = { status: 413, body: "Payload Too Large", end: "ended", next: 200 };
        expect(await h2Uploads(s, "/body/text", 9 * MiB)).toEqual([tooLarge, tooLarge]);
        return;
      }
      const tooLarge = { status: 413, statusText: "Payload Too Large", body: "Payload Too Large" };
      for (const client of CLIENTS) {
        for (const chunked of [false, true]) {
          const got = await upload(client, `${s.url()}/body/text`, 9 * MiB, chunked);
          expect(got, `${client}${chunked ? ", chunked" : ""}`).toEqual(tooLarge);
        }
      }
    }, 180_000);

    // HTTP/2 has no Connection header (RFC 9113 8.2.2): the case above checks the connection's next stream.
    s.http1Only("the 413 for a body over maxRequestBodySize says Connection: close", async () => {
      const { responses } = await exchange(s.url(), [
        `POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: ${9 * MiB}\r\n\r\n`,
        "x".repeat(9 * MiB),
      ], { timeoutMs: 10_000 });
      // Said once: one header line, one token (Deno used to add its own "close" to ours).
      const connection = responses[0] ? headerAll(responses[0], "connection") : [];
      expect([responses[0]?.status, connection]).toEqual([413, exception("bun413KeepsConnection") ? [] : ["close"]]);
    });

    test("a handler that answers without reading the body reaches every client still sending", async () => {
      if (s.protocol !== "http/1.1") {
        const early = { status: 202, body: "early answer", end: "ended", next: 200 };
        expect(await h2Uploads(s, "/early", 6 * MiB)).toEqual([early, early]);
        return;
      }
      for (const client of CLIENTS) {
        for (const chunked of [false, true]) {
          const got = await upload(client, `${s.url()}/early`, 6 * MiB, chunked);
          expect(got, `${client}${chunked ? ", chunked" : ""}`).toEqual({ status: 202, statusText: "Accepted", body: "early answer" });
        }
      }
    }, 180_000);
  });
}
