/**
 * Run wrk against a URL with bench/wrk/bench.lua and return its JSON summary.
 * @module
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import type { WrkRequest } from "./_scenarios.ts";

const SCRIPT = fileURLToPath(new URL("./wrk/bench.lua", import.meta.url));

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export interface WrkRun {
  seconds: number;
  connections: number;
  /** Per-connection pause between requests, for fixed-rate latency runs. */
  delayMs?: number;
}

/** Requests per second of a wrk result. */
export const rps = (r: WrkResult): number => r.requests / (r.durationUs / 1e6);

/** Why a run is not a clean measurement, or undefined when it is. */
export function wrkProblem(r: WrkResult): string | undefined {
  if (r.requests === 0) return "wrk completed no request";
  if (r.statusErrors) return `${r.statusErrors} non-2xx responses`;
  const errors = r.connectErrors + r.readErrors + r.writeErrors + r.timeouts;
  if (errors > r.requests / 1000) return `${errors} socket errors or timeouts`;
  return undefined;
}

/** Drive `url` with wrk on one thread. */
export function wrk(url: string, request: WrkRequest, run: WrkRun): Promise<WrkResult> {
  const args = ["-t1", `-c${run.connections}`, `-d${run.seconds}s`, "--timeout", "5s", "-s", SCRIPT, url + "/"];
  const env = {
    ...process.env,
    BENCH_METHOD: request.method,
    BENCH_BODY_FILE: request.bodyFile ?? "",
    BENCH_CONTENT_TYPE: request.contentType ?? "",
    BENCH_HEADERS: String(request.headers ?? 0),
    BENCH_ACCEPT_ENCODING: request.acceptEncoding ?? "",
    BENCH_DELAY_MS: String(run.delayMs ?? 0),
  };
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { env, timeout: (run.seconds + 30) * 1000 }, (error, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (!line) return reject(new Error(`wrk failed: ${(stderr || error?.message || stdout).trim()}`));
      resolve(JSON.parse(line) as WrkResult);
    });
  });
}
