/**
 * bench/soak.ts for 20 s on node, deno and bun: its table, verdict and chart,
 * and the parts of the bar that do not depend on timing: no request or
 * WebSocket fails, and every descriptor is closed once the load stops. The
 * RSS bar is printed but not asserted: growth judged over 20 s on two shared
 * cores is noise (Node's young generation alone can step by 15-30 MiB, see
 * bench/README.md "Soak"); it is judged by the longer runs recorded there.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "vitest";

const SECONDS = 20;

describe("npm run soak", () => {
  // The three runtimes at once: each soak has its own server and load process, and no assertion here depends
  // on how fast the load runs (no rate is asserted, nor the RSS verdict), so sharing the cores costs none.
  test.concurrent.for(["node", "deno", "bun"])(`bench/soak.ts on %s for ${SECONDS} s: a row a second, the chart, no failure, descriptors back`, { timeout: 180_000 }, async (runtime, { expect }) => {
    const svg = join(mkdtempSync(join(tmpdir(), "omniserve-soak-")), "soak.svg");
    const args = ["tsx", "bench/soak.ts", "--runtime", runtime, "--seconds", String(SECONDS), "--out", svg];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile("npx", args, { timeout: 150_000 }, (error, out, err) =>
        // Exit 1 is a FAIL verdict (the RSS line may give it); anything else is a broken soak.
        error && (error as { code?: number }).code !== 1 ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))
    );
    const rows = stdout.split("\n").filter((line) => /^\s+\d+\s+\d+\.\d\s+\d+(\s+\d+){6}$/.test(line));
    expect(rows.map((row) => Number(row.trim().split(/\s+/)[0]))).toEqual(Array.from({ length: SECONDS }, (_, i) => i + 1));
    expect(stdout).toMatch(/^(ok {2}|FAIL) RSS after warm-up /m);
    expect(stdout).toMatch(/^ok {3}descriptors: (\d+) idle before, \d+ after the load \(bar: back to \1\)$/m);
    expect(stdout).toMatch(/^ok {3}failed: 0 of [1-9]\d* hello, [1-9]\d* uploads, [1-9]\d* WebSocket messages sent \([1-9]\d* delivered\), [1-9]\d* clients left mid-body$/m);
    expect(stdout).toMatch(/^(PASS|FAIL)$/m);
    const chart = readFileSync(svg, "utf8");
    expect(chart).toMatch(new RegExp(`^<svg [^]*omniserve soak on ${runtime}: ${SECONDS} s, (PASS|FAIL)[^]*</svg>\\n$`));
    expect(chart.match(/<polyline /g)).toHaveLength(2);
  });
});
