/**
 * `omniserve test`: serve the app on each runtime in turn, run the user's
 * command against it, and report a matrix. When the command is vitest, its
 * JSON report shows which tests pass on one runtime and fail on another.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OmniserveError } from "../src/_errors.ts";
import type { Runtime } from "../src/types.ts";
import type { TestStatus } from "./_vitest-reporter.ts";
import { startServer } from "./spawn.ts";

const REPORTER = fileURLToPath(new URL("./_vitest-reporter.js", import.meta.url));

/** One runtime's outcome. */
export interface RuntimeResult {
  runtime: Runtime;
  ok: boolean;
  exitCode: number | null;
  durationMs: number;
  /** Why the server did not start, when it did not. */
  error?: string;
  /** Per-test statuses when the command was vitest. */
  tests?: Record<string, TestStatus>;
}

/** Options of {@link runMatrix}. */
export interface MatrixOptions {
  module: string;
  runtimes: Runtime[];
  command: string[];
  json?: string;
}

function isVitest(command: string[]): boolean {
  return command.some((part) => /(^|\/)vitest(\.m?js)?$/.test(part));
}

function runCommand(command: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, ...env },
      shell: process.platform === "win32",
    });
    // A command that cannot start would fail the same on every runtime: one line, and no matrix.
    child.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? "not found on PATH (for a package's command, put npx before it)" : error.message;
      reject(new OmniserveError("ERR_BAD_ARGUMENT", `cannot run ${command[0]}: ${why}`));
    });
    child.once("exit", (code) => resolve(code));
  });
}

function readVitestReport(file: string): RuntimeResult["tests"] {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { tests: RuntimeResult["tests"] }).tests;
  } catch {
    return undefined;
  }
}

async function runOne(options: MatrixOptions, runtime: Runtime, dir: string): Promise<RuntimeResult> {
  const started = performance.now();
  let server;
  try {
    server = await startServer(options.module, runtime, { port: 0, hostname: "127.0.0.1" });
  } catch (error) {
    return { runtime, ok: false, exitCode: null, durationMs: performance.now() - started, error: (error as Error).message };
  }
  const report = join(dir, `${runtime}.json`);
  const command = isVitest(options.command) ? [...options.command, "--reporter=default", `--reporter=${REPORTER}`] : options.command;
  const exitCode = await runCommand(command, { OMNISERVE_URL: server.url, OMNISERVE_RUNTIME: runtime, OMNISERVE_VITEST_REPORT: report })
    .finally(() => server.stop());
  return {
    runtime,
    ok: exitCode === 0,
    exitCode,
    durationMs: performance.now() - started,
    tests: isVitest(options.command) ? readVitestReport(report) : undefined,
  };
}

/** Print the matrix, and the tests whose outcome differs between runtimes. */
export function formatMatrix(results: RuntimeResult[]): string {
  const withTests = results.some((r) => r.tests);
  const lines = ["", `runtime  result  time${withTests ? "    tests passed" : ""}`, `-------  ------  ------${withTests ? "  ------------" : ""}`];
  for (const r of results) {
    const result = r.ok ? "pass" : r.error ? "error" : "fail";
    const time = `${(r.durationMs / 1000).toFixed(1)}s`.padEnd(6);
    const tests = r.tests ? Object.values(r.tests) : undefined;
    const counts = tests ? `  ${tests.filter((t) => t === "passed").length}/${tests.length}` : "";
    lines.push(`${r.runtime.padEnd(7)}  ${result.padEnd(6)}  ${time}${counts}${r.error ? `  ${r.error}` : ""}`.trimEnd());
  }
  const names = new Set(results.flatMap((r) => Object.keys(r.tests ?? {})));
  const differing = [...names].filter((name) => new Set(results.map((r) => r.tests?.[name] ?? "missing")).size > 1);
  if (differing.length > 0) {
    lines.push("", "tests that differ between runtimes:");
    for (const name of differing) {
      lines.push(`  ${name}`);
      lines.push(`    ${results.map((r) => `${r.runtime}: ${r.tests?.[name] ?? "missing"}`).join(", ")}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Run the matrix; resolves with the process exit status (0 when all pass). */
export async function runMatrix(options: MatrixOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "omniserve-test-"));
  const results: RuntimeResult[] = [];
  try {
    for (const runtime of options.runtimes) {
      process.stdout.write(`\nomniserve: testing ${options.module} on ${runtime}\n`);
      results.push(await runOne(options, runtime, dir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(formatMatrix(results));
  if (options.json) writeFileSync(options.json, JSON.stringify({ module: options.module, results }, null, 2));
  return results.every((r) => r.ok) ? 0 : 1;
}
