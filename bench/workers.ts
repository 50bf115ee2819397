/**
 * `npm run bench:workers`: the workers bar, `--workers 2` against one
 * omniserve process, side by side (bench/_pair.ts) on every runtime here, for
 * the scenarios hello and json: both servers share the server CPU and are
 * loaded at once, so both pay the same for processes taking turns on one core
 * and the ratio is what the sharing scheme costs per request (supervisor and
 * both workers counted). `npm run bench`'s workers rows load one contender at
 * a time instead: there one process has the core to itself while two workers
 * and the supervisor take turns on it (bench/README.md, "Workers rows").
 *
 *   npm run bench:workers -- [--rounds 10] [--runtime node,node24,deno,bun]
 *
 * node24 is the Node 24 of `npm run node24` (or $OMNISERVE_NODE24), where the
 * workers share the port with `reusePort`; node is the Node running this
 * script (`node:cluster` before 22.12).
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { node24 } from "../test/support/node24.ts";
import { type PairLoad, runPair, spread } from "./_pair.ts";
import { pinLoad } from "./_pin.ts";
import { SCENARIOS } from "./_scenarios.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "10" }, runtime: { type: "string", default: "node,node24,deno,bun" } },
});
const CLI = fileURLToPath(new URL("../bin/omniserve.js", import.meta.url));
const BAR = 0.9;

/** The scenarios of the bar: their app, and how many requests a round sends (a few seconds' worth). */
const LOADS = [
  { scenario: "hello", requests: 100_000 },
  { scenario: "json", requests: 60_000 },
];

/** The node binary and the CLI flags that serve on `runtime`. */
function runtimeCommand(runtime: string): { bin: string; flags: string[] } {
  if (runtime === "node") return { bin: process.execPath, flags: [] };
  if (runtime === "node24") return { bin: node24(), flags: [] };
  return { bin: process.execPath, flags: ["--runtime", runtime] };
}

pinLoad();
const rows: string[] = [];
for (const runtime of values.runtime.split(",")) {
  let command: { bin: string; flags: string[] };
  try {
    command = runtimeCommand(runtime);
  } catch (error) {
    process.stdout.write(`${runtime}: not run (${(error as Error).message})\n`);
    continue;
  }
  for (const { scenario, requests } of LOADS) {
    const s = SCENARIOS.find((x) => x.name === scenario);
    if (s?.kind !== "http") throw new Error(`no http scenario ${scenario}`);
    const serve = [command.bin, CLI, "serve", s.app, "-p", "0", ...command.flags];
    const load: PairLoad = { requests, rounds: Number(values.rounds), body: s.wrk.bodyFile, h1: true, clients: 64, streams: 1 };
    const result = await runPair([{ name: "one", argv: serve }, { name: "workers", argv: [...serve, "--workers", "2"] }], load);
    const perCpu = 1 / result.median;
    const line = `${runtime} ${scenario}: --workers 2 ÷ one process, CPU per request ${spread(result)}; per CPU-s ${perCpu.toFixed(2)}`;
    process.stdout.write(line + "\n");
    rows.push(`| ${runtime} | ${scenario} | ${spread(result)} | ${perCpu.toFixed(2)} | ${perCpu >= BAR ? "met" : "missed"} |`);
  }
}
process.stdout.write(
  `\n| runtime | scenario | \`--workers 2\` ÷ one process, CPU per request | per CPU-s (bar ${BAR}) | bar |\n| --- | --- | --- | --: | --- |\n` +
    rows.join("\n") + "\n",
);
