/**
 * Who runs, per runtime: the raw server as the control, omniserve, and the
 * peers a user would pick instead. Every contender except Node's raw server
 * serves the same app module from `bench/apps/`.
 * @module
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { startServer } from "../dist/cli/spawn.js";
import { runtimeArgv } from "../cli/runtime.ts";
import type { Runtime } from "../src/types.ts";
import { type Running, spawnServer } from "./_process.ts";
import { benchRedis } from "./_redis.ts";
import type { Scenario } from "./_scenarios.ts";

/** One server implementation on one runtime. */
export interface Contender {
  readonly runtime: Runtime;
  /** Short name used in tables: "raw", "omniserve", "@hono/node-server", "srvx". */
  readonly name: string;
  /** The control every ratio is taken against. */
  readonly control: boolean;
  /** What the contender is, for the scenario kind (the raw server differs for WebSockets). */
  describe(scenario: Scenario): string;
  supports(scenario: Scenario): boolean;
  start(scenario: Scenario): Promise<Running>;
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** argv to run a bench server script on `runtime` (Node gets the tsx loader). */
function scriptArgv(runtime: Runtime, script: string, scenario: Scenario): string[] {
  const args = [scenario.app, scenario.name];
  if (runtime === "node") return [process.execPath, "--import", "tsx", here(script), ...args];
  return runtimeArgv(runtime, here(script), args);
}

const RAW_LABEL: Record<Runtime, { http: string; ws: string }> = {
  node: { http: "node:http", ws: "ws loop" },
  deno: { http: "Deno.serve", ws: "Deno.upgradeWebSocket loop" },
  bun: { http: "Bun.serve", ws: "Bun.serve native pub/sub" },
};

/** True for a scenario served by two instances on one Redis. */
const acrossRedis = (s: Scenario): boolean => s.kind === "ws" && s.redis === true;

/** Two instances of one contender as one: both URLs, both processes measured, both stopped. */
async function twoOnRedis(start: (env: Record<string, string>) => Promise<Running>): Promise<Running> {
  const redis = await benchRedis();
  const [a, b] = await Promise.all([start({ OMNISERVE_PUBSUB: redis.url }), start({ OMNISERVE_PUBSUB: redis.url })]);
  return { url: `${a.url},${b.url}`, pid: a.pid, others: [b.pid], stop: () => Promise.all([a.stop(), b.stop()]) };
}

function raw(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw",
    control: true,
    describe: (s) => RAW_LABEL[runtime][s.kind],
    supports: (s) => !acrossRedis(s),
    start: (s) => spawnServer(scriptArgv(runtime, `./servers/${runtime}-raw.ts`, s)),
  };
}

/** The control across instances: the raw WebSocket loop plus a relay written on the same Redis client. */
function rawRelay(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw + Redis relay",
    control: true,
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
    const server = await startServer(s.app, runtime, { port: 0, hostname: "127.0.0.1", env });
    return { url: server.url, pid: server.child.pid!, stop: () => server.stop(2000) };
  };
  return {
    runtime,
    name: "omniserve",
    control: false,
    describe: (s) => (acrossRedis(s) ? "2 × omniserve, pubsub on Redis" : "omniserve"),
    supports: () => true,
    start: (s) => (acrossRedis(s) ? twoOnRedis((env) => one(s, env)) : one(s)),
  };
}

/** `omniserve serve --workers 2`: the supervisor and both workers are measured together. */
function omniserveWorkers(runtime: Runtime): Contender {
  return {
    runtime,
    name: "omniserve --workers 2",
    control: false,
    describe: () => "omniserve --workers 2",
    supports: (s) => s.name === "hello" || s.name === "json",
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
    control: false,
    describe: (s) => (s.kind === "ws" ? `${name} + crossws` : name),
    // crossws is measured on plain broadcast only (not compressed, not across instances).
    supports: (s) => s.kind === "http" || (ws && !acrossRedis(s) && !(s as { deflate?: boolean }).deflate),
    start: (s) => spawnServer(scriptArgv(runtime, script, s)),
  };
}

/** Contenders per runtime; a scenario's control is the first that supports it. */
export const CONTENDERS: Record<Runtime, Contender[]> = {
  node: [
    raw("node"),
    rawRelay("node"),
    omniserve("node"),
    omniserveWorkers("node"),
    peer("node", "@hono/node-server", "./servers/hono-node.ts", false),
    peer("node", "srvx", "./servers/srvx.ts", true),
  ],
  deno: [raw("deno"), rawRelay("deno"), omniserve("deno"), omniserveWorkers("deno"), peer("deno", "srvx", "./servers/srvx.ts", true)],
  bun: [raw("bun"), rawRelay("bun"), omniserve("bun"), omniserveWorkers("bun"), peer("bun", "srvx", "./servers/srvx.ts", true)],
};
