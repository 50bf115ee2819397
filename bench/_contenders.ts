/**
 * Who runs, per runtime: the raw server as the control, omniserve, and the
 * peers a user would pick instead. Every contender except Node's raw server
 * serves the same app module from `bench/apps/`.
 * @module
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { startServer } from "../dist/cli/spawn.js";
import { runtimeArgv, runtimeBinary } from "../cli/runtime.ts";
import { nodeHasReusePort } from "../adapters/node/reuse-port.ts";
import type { Runtime } from "../src/types.ts";
import { type Running, spawnServer } from "./_process.ts";
import { benchRedis } from "./_redis.ts";
import { benchCertificate } from "./_tls.ts";
import type { Scenario } from "./_scenarios.ts";
import { startNginx } from "./servers/nginx.ts";

/** One server implementation on one runtime. */
export interface Contender {
  readonly runtime: Runtime;
  /** Short name used in tables: "raw", "omniserve", "@hono/node-server", "srvx". */
  readonly name: string;
  /** What the contender is, for the scenario kind (the raw server differs for WebSockets). */
  describe(scenario: Scenario): string;
  supports(scenario: Scenario): boolean;
  /** Left out of `--quick` runs, to keep the smoke test (and so `npm test`) short. */
  readonly fullRunsOnly?: true;
  start(scenario: Scenario): Promise<Running>;
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** argv to run a bench server script on `runtime` (Node gets the tsx loader). */
function scriptArgv(runtime: Runtime, script: string, scenario: Scenario): string[] {
  const args = [scenario.app, scenario.name];
  if (runtime === "node") return [process.execPath, "--import", "tsx", here(script), ...args];
  return runtimeArgv(runtime, here(script), args);
}

const RAW_LABEL: Record<Runtime, { http: string; ws: string; static: string; compress: string }> = {
  node: { http: "node:http", ws: "ws loop", static: "fs.createReadStream().pipe(res)", compress: "node:http + node:zlib" },
  deno: { http: "Deno.serve", ws: "Deno.upgradeWebSocket loop", static: "Deno.open().readable", compress: "Deno.serve + node:zlib" },
  bun: { http: "Bun.serve", ws: "Bun.serve native pub/sub", static: "Bun.file()", compress: "Bun.serve + node:zlib" },
};

/** True for a scenario served by two instances on one Redis. */
const acrossRedis = (s: Scenario): boolean => s.kind === "ws" && s.redis === true;
/** True for the broadcast across `--workers 2`, whose control is one omniserve process. */
const acrossWorkers = (s: Scenario): boolean => s.kind === "ws" && s.workers === true;
/** The scenarios `--workers 2` and the by-hand ways to share a port run: hello and JSON. */
const sharedPort = (s: Scenario): boolean => s.name === "hello" || s.name === "json";

/** Two instances of one contender as one: both URLs, both processes measured, both stopped. */
async function twoOnRedis(start: (env: Record<string, string>) => Promise<Running>): Promise<Running> {
  const redis = await benchRedis();
  const [a, b] = await Promise.all([start({ OMNISERVE_PUBSUB: redis.url }), start({ OMNISERVE_PUBSUB: redis.url })]);
  return { url: `${a.url},${b.url}`, pid: a.pid, others: [b.pid], stop: () => Promise.all([a.stop(), b.stop()]) };
}

function rawLabel(runtime: Runtime, s: Scenario): string {
  const labels = RAW_LABEL[runtime];
  return s.name === "static" ? labels.static : s.name === "gzip" || s.name === "br" ? labels.compress : labels[s.kind];
}

function raw(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw",
    describe: (s) => rawLabel(runtime, s),
    supports: (s) => !acrossRedis(s) && !overTls(s) && !acrossWorkers(s),
    start: (s) => spawnServer(scriptArgv(runtime, `./servers/${runtime}-raw.ts`, s)),
  };
}

const TLS_LABEL: Record<Runtime, string> = {
  node: "node:http2 createSecureServer({ allowHTTP1: true })",
  deno: "Deno.serve({ cert, key })",
  bun: "Bun.serve({ tls, http2: true })",
};

/** True for a scenario served over TLS with the run's certificate. */
const overTls = (s: Scenario): boolean => s.kind === "http" && s.tls === true;

/** The control over TLS: the runtime's own HTTPS server (h2 and HTTP/1.1 by ALPN) with the run's certificate. */
function rawTls(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw",
    describe: () => TLS_LABEL[runtime],
    supports: overTls,
    async start(s) {
      const { certFile, keyFile } = await benchCertificate();
      return spawnServer([...scriptArgv(runtime, `./servers/${runtime}-raw-tls.ts`, s), certFile, keyFile]);
    },
  };
}

/** The control across instances: the raw WebSocket loop plus a relay written on the same Redis client. */
function rawRelay(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw + Redis relay",
    describe: () => `2 × ${RAW_LABEL[runtime].ws} + @redis/client relay`,
    supports: acrossRedis,
    start: (s) =>
      twoOnRedis(async () => {
        process.env.BENCH_REDIS_URL = (await benchRedis()).url;
        return spawnServer(scriptArgv(runtime, `./servers/${runtime}-raw.ts`, s));
      }),
  };
}

function omniserve(runtime: Runtime): Contender {
  const one = async (s: Scenario, env: Record<string, string> = {}): Promise<Running> => {
    const tls = overTls(s) ? await benchCertificate() : undefined;
    const server = await startServer(s.app, runtime, { port: 0, hostname: "127.0.0.1", env, certFile: tls?.certFile, keyFile: tls?.keyFile });
    return { url: server.url, pid: server.child.pid!, stop: () => server.stop(2000) };
  };
  return {
    runtime,
    name: "omniserve",
    describe: (s) => (acrossRedis(s) ? "2 × omniserve, pubsub on Redis" : acrossWorkers(s) ? "omniserve, one process" : "omniserve"),
    supports: () => true,
    start: (s) => (acrossRedis(s) ? twoOnRedis((env) => one(s, env)) : one(s)),
  };
}

/** `omniserve serve --workers 2`: the supervisor (and its pub/sub relay) and both workers are measured together. */
function omniserveWorkers(runtime: Runtime): Contender {
  return {
    runtime,
    name: "omniserve --workers 2",
    describe: (s) => (acrossWorkers(s) ? "omniserve --workers 2, pub/sub across workers" : "omniserve --workers 2"),
    supports: (s) => sharedPort(s) || acrossWorkers(s),
    async start(s) {
      const server = await startServer(s.app, runtime, { port: 0, hostname: "127.0.0.1", workers: 2 });
      return { url: server.url, pid: server.child.pid!, stop: () => server.stop(4000) };
    },
  };
}

function peer(runtime: Runtime, name: string, script: string, ws: boolean): Contender {
  return {
    runtime,
    name,
    describe: (s) => (s.kind === "ws" ? `${name} + crossws` : name),
    // crossws is measured on plain broadcast only (not compressed, not across instances); the static and
    // compression scenarios compare omniserve with the raw runtime (and nginx) only.
    supports: (s) => (s.kind === "http" && s.peers !== false) || (ws && s.name === "broadcast"),
    start: (s) => spawnServer(scriptArgv(runtime, script, s)),
  };
}

/**
 * Two processes (or threads) on one port the way a user of the runtime writes it by hand, with no omniserve:
 * what `--workers 2` is measured against. Every process of it counts, as for `--workers 2`. Full runs only:
 * `--quick` under `npm test` already takes minutes on a loaded 2-core machine.
 */
function byHand(runtime: Runtime, name: string, detail: string, argv: (s: Scenario) => string[], env: Record<string, string> = {}, when = true): Contender {
  return { runtime, name, fullRunsOnly: true, describe: () => detail, supports: (s) => when && sharedPort(s), start: (s) => spawnServer(argv(s), env) };
}

/** The by-hand two-process servers of each runtime. */
const BY_HAND: Record<Runtime, Contender[]> = {
  node: [
    byHand("node", "node:cluster by hand", "node:cluster primary + 2 × node:http", (s) => scriptArgv("node", "./servers/node-cluster.ts", s)),
    // reusePort reached node:net in 22.12: this row appears when the bench itself runs on such a Node.
    byHand("node", "reusePort by hand", "2 × node:http, reusePort", (s) => scriptArgv("node", "./servers/node-reuseport.ts", s), {}, nodeHasReusePort()),
  ],
  deno: [
    byHand("deno", "deno serve --parallel", "deno serve --parallel, DENO_JOBS=2", (s) => [runtimeBinary("deno"), "serve", "--parallel", "-A", "--host", "127.0.0.1", "--port", "0", s.app], {
      DENO_JOBS: "2",
    }),
  ],
  bun: [byHand("bun", "reusePort by hand", "2 × Bun.serve, reusePort", (s) => scriptArgv("bun", "./servers/bun-reuseport.ts", s))],
};

/** nginx from Debian, the ceiling of the static scenario on every runtime's table (no bar). */
function nginx(runtime: Runtime): Contender {
  return {
    runtime,
    name: "nginx",
    describe: () => "nginx (Debian), sendfile, one process",
    supports: (s) => s.name === "static",
    start: () => startNginx(),
  };
}

/** Contenders per runtime; a scenario's control is the first that supports it (bench/_group.ts). */
export const CONTENDERS: Record<Runtime, Contender[]> = {
  node: [
    raw("node"),
    rawTls("node"),
    rawRelay("node"),
    omniserve("node"),
    omniserveWorkers("node"),
    ...BY_HAND.node,
    peer("node", "@hono/node-server", "./servers/hono-node.ts", false),
    peer("node", "srvx", "./servers/srvx.ts", true),
    nginx("node"),
  ],
  deno: [raw("deno"), rawTls("deno"), rawRelay("deno"), omniserve("deno"), omniserveWorkers("deno"), ...BY_HAND.deno, peer("deno", "srvx", "./servers/srvx.ts", true), nginx("deno")],
  bun: [raw("bun"), rawTls("bun"), rawRelay("bun"), omniserve("bun"), omniserveWorkers("bun"), ...BY_HAND.bun, peer("bun", "srvx", "./servers/srvx.ts", true), nginx("bun")],
};
