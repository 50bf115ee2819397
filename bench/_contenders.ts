/**
 * Who runs, per runtime: the raw server as the control, omniserve, and the
 * peers a user would pick instead. Every contender except Node's raw server
 * serves the same app module from `bench/apps/`.
 * @module
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { startServer } from "../dist/src/cli/_spawn.js";
import { runtimeArgv } from "../src/cli/_runtime.ts";
import type { Runtime } from "../src/types.ts";
import { type Running, spawnServer } from "./_process.ts";
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

function raw(runtime: Runtime): Contender {
  return {
    runtime,
    name: "raw",
    control: true,
    describe: (s) => RAW_LABEL[runtime][s.kind],
    supports: () => true,
    start: (s) => spawnServer(scriptArgv(runtime, `./servers/${runtime}-raw.ts`, s)),
  };
}

function omniserve(runtime: Runtime): Contender {
  return {
    runtime,
    name: "omniserve",
    control: false,
    describe: () => "omniserve",
    supports: () => true,
    async start(s) {
      const server = await startServer(s.app, runtime, { port: 0, hostname: "127.0.0.1" });
      return { url: server.url, pid: server.child.pid!, stop: () => server.stop(2000) };
    },
  };
}

function peer(runtime: Runtime, name: string, script: string, ws: boolean): Contender {
  return {
    runtime,
    name,
    control: false,
    describe: (s) => (s.kind === "ws" ? `${name} + crossws` : name),
    // crossws is measured on plain broadcast only.
    supports: (s) => s.kind === "http" || (ws && !(s as { deflate?: boolean }).deflate),
    start: (s) => spawnServer(scriptArgv(runtime, script, s)),
  };
}

/** Contenders per runtime, control first. */
export const CONTENDERS: Record<Runtime, Contender[]> = {
  node: [
    raw("node"),
    omniserve("node"),
    peer("node", "@hono/node-server", "./servers/hono-node.ts", false),
    peer("node", "srvx", "./servers/srvx.ts", true),
  ],
  deno: [raw("deno"), omniserve("deno"), peer("deno", "srvx", "./servers/srvx.ts", true)],
  bun: [raw("bun"), omniserve("bun"), peer("bun", "srvx", "./servers/srvx.ts", true)],
};
