/**
 * Pool the per-round ratios of several runs (bench/pool.ts prints them).
 * @module
 */
import type { Row, RunResult } from "./_result.ts";

const key = (r: Row): string => `${r.runtime}\u0000${r.scenario}\u0000${r.contender}`;

/** One contender in one scenario on one runtime, over every run given. */
export interface Pooled {
  row: Row;
  /** Every round's ratio to the control of its own run and round. */
  ratios: number[];
  /** The same per server CPU-second, from the runs that record it. */
  cpuRatios: number[];
  runs: number;
}

/** Per-round ratios of each non-control row to its run's control, pooled over runs. */
export function pool(runs: RunResult[]): Map<string, Pooled> {
  const pooled = new Map<string, Pooled>();
  for (const run of runs) {
    for (const row of run.rows) {
      if (row.control || row.status !== "ok") continue;
      const control = run.rows.find((c) => c.control && c.runtime === row.runtime && c.scenario === row.scenario);
      if (!control || control.rounds.length !== row.rounds.length) continue;
      const entry = pooled.get(key(row)) ?? { row, ratios: [], cpuRatios: [], runs: 0 };
      row.rounds.forEach((value, i) => entry.ratios.push(value / control.rounds[i]));
      const [mine, base] = [row.roundsPerCpu, control.roundsPerCpu];
      if (mine && base?.length === mine.length) mine.forEach((value, i) => base[i] && entry.cpuRatios.push(value / base[i]));
      entry.runs++;
      pooled.set(key(row), entry);
    }
  }
  return pooled;
}

