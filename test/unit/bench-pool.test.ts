/** `npm run bench:pool`: per-round ratios pooled over runs, each round against its own run's control. */
import { describe, expect, test } from "vitest";
import { pool } from "../../bench/_pool.ts";
import { median, quantile } from "../../bench/_stats.ts";
import type { Row, RunResult } from "../../bench/_result.ts";

function row(contender: string, rounds: number[], extra: Partial<Row> = {}): Row {
  return {
    runtime: "deno", runtimeVersion: "2", scenario: "hello", contender, detail: contender, control: contender === "raw",
    status: "ok", generator: "wrk", machine: "m", unit: "req/s", throughput: null, ratio: null, cpuRatio: null,
    rounds, latencyRate: null, p50Ms: null, p99Ms: null, peakRssMiB: null, serverCpu: null, ...extra,
  };
}

const run = (rows: Row[]): RunResult => ({ rows } as unknown as RunResult);

describe("bench:pool", () => {
  test("each round is divided by the control of the same run and round, then pooled", () => {
    const pooled = pool([
      run([row("raw", [100, 200]), row("omniserve", [90, 220])]),
      run([row("raw", [50]), row("omniserve", [40]), row("srvx", [25])]),
    ]);
    const omni = pooled.get("deno\u0000hello\u0000omniserve")!;
    expect(omni.ratios).toEqual([0.9, 1.1, 0.8]);
    expect(omni.runs).toBe(2);
    expect(quantile(omni.ratios, 0.5)).toBe(0.9);
    expect(pooled.get("deno\u0000hello\u0000srvx")!.ratios).toEqual([0.5]);
    expect(pooled.has("deno\u0000hello\u0000raw")).toBe(false);
  });

  test("failed rows and rows whose rounds do not pair with the control are left out", () => {
    const pooled = pool([
      run([row("raw", [100, 100]), row("omniserve", [90]), row("srvx", [80, 80], { status: "failed: wrong answer" })]),
    ]);
    expect(pooled.size).toBe(0);
  });

  test("quantile() interpolates between neighbours", () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
