/**
 * `npm run bench -- --quick --runtime <one>` as a smoke test: every contender
 * of every scenario on that runtime starts and answers correctly. One file per
 * runtime (test/bench/*.test.ts), so vitest spreads the three runs over its
 * workers. Nothing here asserts a timing.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../bench/_result.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Registers the smoke test for one runtime's quick bench run. */
export function benchQuick(runtime: "node" | "deno" | "bun"): void {
  describe(`bench --quick --runtime ${runtime}`, () => {
    it("starts every contender and each answers correctly", async () => {
      const out = join(mkdtempSync(join(tmpdir(), "bench-quick-")), "quick.json");
      const args = ["--import", "tsx", "bench/run.ts", "--quick", "--runtime", runtime, "--out", out];
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, args, { cwd: root, timeout: 400_000 }, (_error, _stdout, stderr) =>
          resolve({ code: child.exitCode, stderr }));
      });
      expect(code, stderr).toBe(0);
      const run = JSON.parse(readFileSync(out, "utf8")) as RunResult;

      const seen = new Set(run.rows.map((r) => `${r.runtime}/${r.scenario}/${r.contender}`));
      expect(new Set(run.rows.map((r) => r.runtime))).toEqual(new Set([runtime]));
      for (const scenario of ["hello", "json", "headers", "stream", "upload", "broadcast"]) {
        for (const contender of ["raw", "omniserve", "srvx"]) expect(seen).toContain(`${runtime}/${scenario}/${contender}`);
      }
      if (runtime === "node") {
        for (const scenario of ["hello", "json", "headers", "stream", "upload"]) {
          expect(seen).toContain(`node/${scenario}/@hono/node-server`);
        }
      }
      for (const contender of ["raw", "omniserve"]) expect(seen).toContain(`${runtime}/broadcast-deflate/${contender}`);
      for (const contender of ["raw + Redis relay", "omniserve"]) expect(seen).toContain(`${runtime}/broadcast-redis/${contender}`);
      for (const scenario of ["hello", "json"]) expect(seen).toContain(`${runtime}/${scenario}/omniserve --workers 2`);
      // Pub/sub across workers, against one omniserve process as the control.
      for (const contender of ["omniserve", "omniserve --workers 2"]) expect(seen).toContain(`${runtime}/broadcast-workers/${contender}`);
      // Static files and compression: the raw runtime and omniserve, and nginx from Debian as the ceiling.
      for (const scenario of ["static", "gzip", "br"]) {
        for (const contender of ["raw", "omniserve"]) expect(seen).toContain(`${runtime}/${scenario}/${contender}`);
      }
      expect(seen).toContain(`${runtime}/static/nginx`);
      // Over TLS with a certificate made at bench time: h2load over HTTP/2, wrk over HTTPS/1.1.
      for (const scenario of ["h2-hello", "h2-upload", "https-hello"]) {
        for (const contender of ["raw", "omniserve"]) expect(seen).toContain(`${runtime}/${scenario}/${contender}`);
      }
      // The by-hand ways to share a port (node:cluster, deno serve --parallel, reusePort) run in full runs only.
      expect(run.rows.filter((r) => /by hand|--parallel/.test(r.contender))).toEqual([]);
      for (const row of run.rows) {
        expect(row.status, `${row.runtime} ${row.scenario} ${row.contender}`).toBe("ok");
      }
    }, 420_000);
  });
}
