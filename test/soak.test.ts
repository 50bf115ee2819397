/**
 * bench/soak.ts runs on node, deno and bun and produces its table, verdict
 * and chart. A few seconds only: the bar itself (RSS, descriptors, failures)
 * is judged by the 60 s runs recorded in bench/README.md, not here, where two
 * cores are shared.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

describe("npm run soak", () => {
  test.each(["node", "deno", "bun"])("bench/soak.ts on %s prints a row a second, a verdict, and writes the SVG chart", async (runtime) => {
    const svg = join(mkdtempSync(join(tmpdir(), "omniserve-soak-")), "soak.svg");
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile("npx", ["tsx", "bench/soak.ts", "--runtime", runtime, "--seconds", "4", "--warmup", "1", "--out", svg], { timeout: 90_000 }, (error, out, err) =>
        // Exit 1 is a FAIL verdict, which a 4 s run on a shared machine may give; anything else is a broken soak.
        error && (error as { code?: number }).code !== 1 ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))
    );
    const rows = stdout.split("\n").filter((line) => /^\s+\d+\s+\d+\.\d\s+\d+(\s+\d+){6}$/.test(line));
    expect(rows.map((row) => Number(row.trim().split(/\s+/)[0]))).toEqual([1, 2, 3, 4]);
    expect(stdout).toMatch(/^(ok {2}|FAIL) RSS after warm-up /m);
    expect(stdout).toMatch(/^(ok {2}|FAIL) descriptors: \d+ idle before, \d+ after the load/m);
    expect(stdout).toMatch(/^(PASS|FAIL)$/m);
    const chart = readFileSync(svg, "utf8");
    expect(chart).toMatch(new RegExp(`^<svg [^]*omniserve soak on ${runtime}: 4 s, (PASS|FAIL)[^]*</svg>\\n$`));
    expect(chart.match(/<polyline /g)).toHaveLength(2);
  }, 120_000);
});
