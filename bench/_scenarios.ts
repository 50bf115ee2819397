/**
 * The scenarios: which app module serves it, how wrk drives it, the fixed
 * moderate rate for latency, and the check that a contender answered correctly.
 * @module
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tlsRequest } from "./_tls.ts";
import { checkBroadcast } from "./_ws-check.ts";
import { JSON_100K, STATIC_SIZE } from "./apps/_files.ts";

/** How wrk sends the request (see wrk/bench.lua). */
export interface WrkRequest {
  method: "GET" | "POST";
  bodyFile?: string;
  contentType?: string;
  headers?: number;
  /** An Accept-Encoding header to send. */
  acceptEncoding?: string;
}

interface Base {
  name: string;
  title: string;
  /** Absolute path of the app module every non-Node-raw contender serves. */
  app: string;
  /** Resolve when the server at `url` answers this scenario correctly; throw why not. */
  check(url: string): Promise<void>;
  /** False: only the raw control, omniserve (and nginx for static) run it, no peers. */
  peers?: false;
  /**
   * The least warm-up this scenario gets when a run warms up at all: a
   * scenario whose requests take milliseconds gets few of them in the run's
   * warm-up, too few for V8 to optimise the server's code (see the README).
   */
  warmupSeconds?: number;
}

export interface HttpScenario extends Base {
  kind: "http";
  wrk: WrkRequest;
  /** Requests per second for the latency run: moderate on any machine we target. */
  latencyRate: number;
  /** Served over TLS with the run's certificate (bench/_tls.ts); the raw control is servers/<runtime>-raw-tls.ts. */
  tls?: true;
  /** Driven over HTTP/2 by h2load instead of wrk: connections × concurrent streams each; no latency run. */
  h2load?: { connections: number; streams: number };
}

export interface WsScenario extends Base {
  kind: "ws";
  /** Measure memory per idle WebSocket too (one instance only). */
  idle: boolean;
  /** Served by two instances on one Redis; `url` is then two URLs, comma-separated. */
  redis?: boolean;
  /** Served by `omniserve --workers 2` against one omniserve process (the control): pub/sub across workers. */
  workers?: true;
  /** Clients offer permessage-deflate and send 2 KiB JSON messages, which servers compress (1 KiB threshold). */
  deflate?: boolean;
}

export type Scenario = HttpScenario | WsScenario;

const app = (name: string): string => fileURLToPath(new URL(`./apps/${name}.ts`, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "omniserve-bench-"));
const JSON_BODY = JSON.stringify({
  id: 12345,
  name: "omniserve",
  tags: ["node", "deno", "bun"],
  nested: { ok: true, ratio: 0.95, list: [1, 2, 3, 4, 5, 6, 7, 8] },
  text: "The quick brown fox jumps over the lazy dog.",
});
const jsonFile = join(dir, "body.json");
writeFileSync(jsonFile, JSON_BODY);
const UPLOAD_SIZE = 64 * 1024;
const uploadFile = join(dir, "upload.bin");
writeFileSync(uploadFile, new Uint8Array(UPLOAD_SIZE).fill(120));
const HEADER_COUNT = 20;

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function ok(response: Response): Promise<Response> {
  expect(response.status === 200, `status ${response.status}`);
  return response;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "hello",
    title: "hello (fixed text)",
    kind: "http",
    app: app("hello"),
    wrk: { method: "GET" },
    latencyRate: 2000,
    async check(url) {
      const text = await (await ok(await fetch(url))).text();
      expect(text === "Hello, World!", `body ${JSON.stringify(text.slice(0, 40))}`);
    },
  },
  {
    name: "json",
    title: "JSON echo (POST)",
    kind: "http",
    app: app("json"),
    wrk: { method: "POST", bodyFile: jsonFile, contentType: "application/json" },
    latencyRate: 2000,
    async check(url) {
      const response = await ok(
        await fetch(url, { method: "POST", body: JSON_BODY, headers: { "content-type": "application/json" } }),
      );
      expect(response.headers.get("content-type")?.startsWith("application/json"), "content-type is not JSON");
      expect(JSON.stringify(await response.json()) === JSON_BODY, "echoed JSON differs");
    },
  },
  {
    name: "headers",
    title: `${HEADER_COUNT} headers in and out`,
    kind: "http",
    app: app("headers"),
    wrk: { method: "GET", headers: HEADER_COUNT },
    latencyRate: 2000,
    async check(url) {
      const headers: Record<string, string> = {};
      for (let i = 1; i <= HEADER_COUNT; i++) headers[`x-bench-${i}`] = `value-${i}`;
      const response = await ok(await fetch(url, { headers }));
      for (const [name, value] of Object.entries(headers)) {
        expect(response.headers.get(name) === value, `response header ${name} missing or wrong`);
      }
      await response.arrayBuffer();
    },
  },
  {
    name: "stream",
    title: "1 MiB streamed response",
    kind: "http",
    app: app("stream"),
    wrk: { method: "GET" },
    latencyRate: 200,
    async check(url) {
      const body = new Uint8Array(await (await ok(await fetch(url))).arrayBuffer());
      expect(body.length === 1024 * 1024, `body is ${body.length} bytes, not 1 MiB`);
      expect(body[0] === 97 && body[body.length - 1] === 97, "body bytes differ");
    },
  },
  {
    name: "upload",
    title: "64 KiB upload",
    kind: "http",
    app: app("upload"),
    wrk: { method: "POST", bodyFile: uploadFile, contentType: "application/octet-stream" },
    latencyRate: 1000,
    async check(url) {
      const body = new Uint8Array(UPLOAD_SIZE).fill(120);
      const text = await (await ok(await fetch(url, { method: "POST", body }))).text();
      expect(text === String(UPLOAD_SIZE), `answered ${JSON.stringify(text.slice(0, 40))}`);
    },
  },
  {
    name: "static",
    title: "1 MiB static file",
    kind: "http",
    app: app("static"),
    wrk: { method: "GET" },
    latencyRate: 200,
    peers: false,
    async check(url) {
      const body = new Uint8Array(await (await ok(await fetch(url))).arrayBuffer());
      expect(body.length === STATIC_SIZE, `body is ${body.length} bytes, not 1 MiB`);
      expect(body[1000] === 1000 % 251 && body[STATIC_SIZE - 1] === (STATIC_SIZE - 1) % 251, "body bytes differ");
    },
  },
  ...(["gzip", "br"] as const).map((encoding): HttpScenario => ({
    name: encoding,
    title: `100 KiB JSON, ${encoding}`,
    kind: "http",
    app: app("compress"),
    wrk: { method: "GET", acceptEncoding: encoding },
    latencyRate: 500,
    peers: false,
    // About 1 ms a request: 3 s is some 3,000 requests, and Node's gzip row moved from 0.73-0.85 to 0.96 with 10 s.
    warmupSeconds: 10,
    async check(url) {
      // fetch() decodes gzip and br itself; the header still says what was sent.
      const response = await ok(await fetch(url, { headers: { "accept-encoding": encoding } }));
      expect(response.headers.get("content-encoding") === encoding, `content-encoding ${response.headers.get("content-encoding")}`);
      expect((await response.text()) === JSON_100K, "decoded JSON differs");
    },
  })),
  ...tlsScenarios(),
  {
    name: "broadcast",
    title: "WebSocket broadcast",
    kind: "ws",
    app: app("broadcast"),
    idle: true,
    check: (url) => checkBroadcast(url.replace(/^http/, "ws") + "/"),
  },
  {
    name: "broadcast-redis",
    title: "WebSocket broadcast across two instances on one Redis",
    kind: "ws",
    app: app("broadcast"),
    idle: false,
    redis: true,
    // One client on each instance: a message must cross Redis.
    check: (urls) => {
      const [a, b] = urls.split(",").map((u) => u.replace(/^http/, "ws") + "/");
      return checkBroadcast(a, 3000, b);
    },
  },
  {
    name: "broadcast-workers",
    title: "WebSocket broadcast across 2 workers (control: one omniserve process)",
    kind: "ws",
    app: app("broadcast"),
    idle: false,
    workers: true,
    // The 32 bench clients connect one by one and the kernel (reusePort) or node:cluster spreads them over both
    // workers, so most deliveries cross the bus; which worker holds a socket is not visible to this check.
    check: (url) => checkBroadcast(url.replace(/^http/, "ws") + "/"),
  },
  {
    name: "broadcast-deflate",
    title: "WebSocket broadcast, permessage-deflate",
    kind: "ws",
    deflate: true,
    idle: false,
    app: app("broadcast-deflate"),
    check: (url) => checkBroadcast(url.replace(/^http/, "ws") + "/"),
  },
];

/** hello and upload over TLS: over HTTP/2 with h2load (16 connections × 10 streams), and hello over HTTPS/1.1 with wrk. */
function tlsScenarios(): HttpScenario[] {
  const h2load = { connections: 16, streams: 10 };
  const hello = async (url: string, protocol: "h2" | "http/1.1") => {
    const text = await tlsRequest(url, protocol);
    expect(text === "Hello, World!", `body ${JSON.stringify(text.slice(0, 40))}`);
  };
  return [
    {
      name: "h2-hello",
      title: "hello over HTTP/2 + TLS (h2load)",
      kind: "http",
      app: app("hello"),
      wrk: { method: "GET" },
      tls: true,
      h2load,
      latencyRate: 2000,
      peers: false,
      check: (url) => hello(url, "h2"),
    },
    {
      name: "h2-upload",
      title: "64 KiB upload over HTTP/2 + TLS (h2load)",
      kind: "http",
      app: app("upload"),
      wrk: { method: "POST", bodyFile: uploadFile, contentType: "application/octet-stream" },
      tls: true,
      h2load,
      latencyRate: 1000,
      peers: false,
      async check(url) {
        const text = await tlsRequest(url, "h2", "POST", new Uint8Array(UPLOAD_SIZE).fill(120));
        expect(text === String(UPLOAD_SIZE), `answered ${JSON.stringify(text.slice(0, 40))}`);
      },
    },
    {
      name: "https-hello",
      title: "hello over HTTPS/1.1 (wrk)",
      kind: "http",
      app: app("hello"),
      wrk: { method: "GET" },
      tls: true,
      latencyRate: 2000,
      peers: false,
      check: (url) => hello(url, "http/1.1"),
    },
  ];
}
