/**
 * `npm run bench:pool -- bench/results/A.json bench/results/B.json …`: pool the
 * per-round ratios of several runs. One run's ratio is the median of 5 rounds;
 * on a shared 2-core machine a scenario's ratio still moves ±10-15% between
 * runs, so a bar is judged on the median of every round of every run given,
 * with the spread (25th-75th percentile) and the number of rounds.
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import type { Row, RunResult } from "./_result.ts";
import { round } from "./_stats.ts";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.ceil(at)] - sorted[lo]) * (at - lo);
}

const key = (r: Row): string => `${r.runtime}\u0000${r.scenario}\u0000${r.contender}`;

/** Per-round ratios of each non-control row to its run's control, pooled over runs. */
export function pool(runs: RunResult[]): Map<string, { row: Row; ratios: number[]; runs: number }> {
  const pooled = new Map<string, { row: Row; ratios: number[]; runs: number }>();
  for (const run of runs) {
    for (const row of run.rows) {
      if (row.control || row.status !== "ok") continue;
      const control = run.rows.find((c) => c.control && c.runtime === row.runtime && c.scenario === row.scenario);
      if (!control || control.rounds.length !== row.rounds.length) continue;
      const entry = pooled.get(key(row)) ?? { row, ratios: [], runs: 0 };
      row.rounds.forEach((value, i) => entry.ratios.push(value / control.rounds[i]));
      entry.runs++;
      pooled.set(key(row), entry);
    }
  }
  return pooled;
}

function main(files: string[]): void {
  if (!files.length) {
    console.error("usage: npm run bench:pool -- bench/results/<run>.json [more runs…]");
    process.exit(2);
  }
  const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as RunResult);
  console.log(`Pooled per-round ratios to the raw server from ${runs.length} run(s): ${runs.map((r) => r.date).join(", ")}.\n`);
  console.log("| Runtime | Scenario | Contender | Median ratio | 25th-75th percentile | Rounds (runs) |");
  console.log("|---|---|---|--:|--:|--:|");
  for (const { row, ratios, runs: n } of pool(runs).values()) {
    const spread = `${round(quantile(ratios, 0.25))}-${round(quantile(ratios, 0.75))}`;
    console.log(`| ${row.runtime} | ${row.scenario} | ${row.detail} | ${round(quantile(ratios, 0.5))} | ${spread} | ${ratios.length} (${n}) |`);
  }
}

main(process.argv.slice(2));
