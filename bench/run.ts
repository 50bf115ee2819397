/**
 * `npm run bench`: omniserve against each raw runtime and its peers, side by
 * side, in one run. `npm run bench -- --quick` only checks that every
 * contender starts and answers correctly (CI runs it; no timing is asserted).
 * @module
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parse } from "./_args.ts";
import { pinLoad } from "./_pin.ts";
import { CONTENDERS } from "./_contenders.ts";
import { runGroup } from "./_group.ts";
import { machine, versions } from "./_machine.ts";
import type { RunResult } from "./_result.ts";
import { SCENARIOS } from "./_scenarios.ts";
import { ensureTools, installHint } from "./_tools.ts";
import { h2loadVersion } from "./_h2load.ts";
import { saveRun } from "./_write.ts";
import type { Runtime } from "../src/types.ts";

const log = (line: string): void => void process.stderr.write(line + "\n");

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) t = Math.max(t, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return t;
}

function warnIfStale(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  try {
    const built = statSync(join(root, "dist/cli/spawn.js")).mtimeMs;
    if (Math.max(...["src", "adapters", "cli"].map((dir) => newest(join(root, dir)))) > built) {
      log("bench: warning: dist/ is older than src/, adapters/ or cli/; run `npm run build` to measure the current code");
    }
  } catch {
    log("bench: dist/ is missing; run `npm run build` first");
    process.exit(1);
  }
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const { settings } = args;
  warnIfStale();
  const missing = ensureTools(["wrk", "h2load", "nginx"]);
  const hasWrk = !missing.includes("wrk");
  if (missing.length) log(installHint(missing));
  if (!hasWrk && !settings.quick) return 1;
  if (!hasWrk) log("bench: quick mode continues with correctness checks only (no HTTP load step)");

  // Before pinning: pinned to one CPU, this process would count one core.
  const m = machine();
  if (!settings.quick) {
    settings.pinned = pinLoad();
    log(settings.pinned ? "bench: servers on CPU 0, load generators on the last CPU" : "bench: not pinning (needs taskset and 2+ cores)");
  }
  const v = versions(hasWrk);
  const run: RunResult = { date: new Date().toISOString(), machine: m, versions: v, settings, rows: [] };
  const runtimes = (Object.keys(CONTENDERS) as Runtime[]).filter((r) => !args.runtimes || args.runtimes.includes(r));
  const scenarios = SCENARIOS.filter((s) => !args.scenarios || args.scenarios.includes(s.name));
  const started = Date.now();

  for (const runtime of runtimes) {
    for (const scenario of scenarios) {
      log(`bench: ${runtime} · ${scenario.title}`);
      run.rows.push(...await runGroup(scenario, CONTENDERS[runtime], settings, {
        machine: m.tag,
        runtimeVersion: v[runtime],
        generator: scenario.kind === "ws" ? "bench/ws client" : scenario.kind === "http" && scenario.h2load ? h2loadVersion() : v.wrk,
        hasLoad: hasWrk,
      }, log));
    }
  }
  log(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);

  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true }); // `--out runs/3.json` fills a folder `bench:pool` reads
    writeFileSync(args.out, JSON.stringify(run, null, 2) + "\n");
  }
  if (!settings.quick) for (const file of saveRun(run, !args.runtimes && !args.scenarios)) log(`bench: wrote ${file}`);

  const bad = run.rows.filter((r) => r.status !== "ok");
  for (const r of bad) log(`bench: ${r.runtime} ${r.scenario} ${r.contender}: ${r.status}`);
  log(bad.length ? `bench: ${bad.length} contender(s) failed` : `bench: all ${run.rows.length} contenders started and answered correctly`);
  return bad.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error?.exitCode === 0) process.exit(0);
    log(`bench: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
