/**
 * Command-line flags of `npm run bench -- …`.
 * @module
 */
import { parseArgs } from "node:util";
import type { Settings } from "./_result.ts";

export interface Args {
  settings: Settings;
  runtimes: string[] | undefined;
  scenarios: string[] | undefined;
  /** Also write the run's JSON here, creating its folder (the quick test reads it; `bench:pool` pools a folder of them). */
  out: string | undefined;
}

export const USAGE = `npm run bench -- [--quick] [--runtime node,deno,bun] [--scenario hello,json,...]
  [--seconds 2] [--pairs 5] [--warmup 3] [--connections 64] [--idle 10000] [--out file.json]
  [--same-process]   keep one server process per contender for all rounds (faster, noisier)`;

export function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      runtime: { type: "string" },
      scenario: { type: "string" },
      seconds: { type: "string" },
      pairs: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      idle: { type: "string" },
      out: { type: "string" },
      "same-process": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    throw Object.assign(new Error("help"), { exitCode: 0 });
  }
  const quick = values.quick!;
  const n = (v: string | undefined, full: number, fast: number): number => (v !== undefined ? Number(v) : quick ? fast : full);
  const list = (v: string | undefined): string[] | undefined => v?.split(",").map((s) => s.trim()).filter(Boolean);
  return {
    settings: {
      quick,
      seconds: n(values.seconds, 2, 1),
      pairs: n(values.pairs, 5, 1),
      warmupSeconds: n(values.warmup, 3, 0),
      latencySeconds: quick ? 0 : 2,
      connections: n(values.connections, 64, 16),
      wsClients: 32,
      wsWindow: 256,
      idleConnections: n(values.idle, 10_000, 100),
      pinned: false,
      freshProcesses: !quick && !values["same-process"],
    },
    runtimes: list(values.runtime),
    scenarios: list(values.scenario),
    out: values.out,
  };
}
