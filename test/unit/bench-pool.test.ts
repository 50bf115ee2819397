/** `npm run bench:pool`: per-round ratios pooled over runs, each round against its own run's control. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { pool } from "../../bench/_pool.ts";
import { readRuns, runFiles } from "../../bench/_runs.ts";
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

  test("per-CPU-second rounds are pooled the same way, from the runs that record them", () => {
    const pooled = pool([
      run([row("raw", [100, 100], { roundsPerCpu: [200, 100] }), row("omniserve", [90, 90], { roundsPerCpu: [180, 120] })]),
      run([row("raw", [50]), row("omniserve", [40])]), // an older run: throughput only
    ]);
    const omni = pooled.get("deno\u0000hello\u0000omniserve")!;
    expect(omni.ratios).toEqual([0.9, 0.9, 0.8]);
    expect(omni.cpuRatios).toEqual([0.9, 1.2]);
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

  test("runFiles() takes run files as given and a directory's .json files in date order", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-runs-"));
    for (const name of ["2026-02-01T00-00-00Z.json", "2026-01-01T00-00-00Z.json", "2026-01-01T00-00-00Z.md"]) {
      writeFileSync(join(dir, name), JSON.stringify({ date: name, rows: [] }));
    }
    mkdirSync(join(dir, "old.json")); // a directory inside is not a run
    expect(runFiles([dir, "x.json"])).toEqual([join(dir, "2026-01-01T00-00-00Z.json"), join(dir, "2026-02-01T00-00-00Z.json"), "x.json"]);
    expect(readRuns([dir]).map((r) => r.date)).toEqual(["2026-01-01T00-00-00Z.json", "2026-02-01T00-00-00Z.json"]);
  });

  test("readRuns() names the file that is missing or is not a run", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-runs-"));
    writeFileSync(join(dir, "notes.json"), JSON.stringify({ hello: 1 }));
    expect(() => readRuns([dir])).toThrow(`${join(dir, "notes.json")} is not a bench run (no date and rows)`);
    expect(() => readRuns([join(dir, "missing.json")])).toThrow(`cannot read ${join(dir, "missing.json")}: ENOENT`);
  });
});
