/**
 * `npm run bench:pool -- bench/results` (or run files, or any directory of
 * runs, such as one filled with `npm run bench -- --out runs/1.json`): pool the
 * per-round ratios of several runs. One run's ratio is the median of 5 rounds;
 * on a shared 2-core machine a scenario's ratio still moves ±10-15% between
 * runs, so a bar is judged on the median of every round of every run given,
 * with the spread (25th-75th percentile) and the number of rounds; the same
 * per server CPU-second for runs that record each round's (roundsPerCpu).
 * @module
 */
import process from "node:process";
import { pool } from "./_pool.ts";
import type { RunResult } from "./_result.ts";
import { readRuns } from "./_runs.ts";
import { quantile, round } from "./_stats.ts";

function main(paths: string[]): void {
  if (!paths.length) {
    console.error("usage: npm run bench:pool -- <directory of runs, or run .json files…>  (e.g. bench/results)");
    process.exit(2);
  }
  let runs: RunResult[];
  try {
    runs = readRuns(paths);
  } catch (error) {
    console.error(`bench:pool: ${(error as Error).message}`);
    process.exit(2);
  }
  if (!runs.length) {
    console.error(`bench:pool: no runs (*.json) in ${paths.join(", ")}`);
    process.exit(2);
  }
  const lines = [
    `Pooled per-round ratios to the raw server from ${runs.length} run(s): ${runs.map((r) => r.date).join(", ")}.`,
    "",
    "| Runtime | Scenario | Contender | Median ratio | 25th-75th percentile | Per CPU-s (rounds) | Rounds (runs) |",
    "|---|---|---|--:|--:|--:|--:|",
  ];
  const spread = (values: number[]) => `${round(quantile(values, 0.25))}-${round(quantile(values, 0.75))}`;
  for (const { row, ratios, cpuRatios, runs: n } of pool(runs).values()) {
    const perCpu = cpuRatios.length ? `${round(quantile(cpuRatios, 0.5))} (${spread(cpuRatios)}, ${cpuRatios.length})` : "–";
    lines.push(`| ${row.runtime} | ${row.scenario} | ${row.detail} | ${round(quantile(ratios, 0.5))} | ${spread(ratios)} | ${perCpu} | ${ratios.length} (${n}) |`);
  }
  process.stdout.on("error", () => {}); // a closed pipe (`| head`) is not an error here
  process.stdout.write(lines.join("\n") + "\n");
}

main(process.argv.slice(2));
