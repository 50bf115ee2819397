/**
 * Run h2load (Debian nghttp2-client) against an HTTPS URL over HTTP/2 and
 * read its summary into the shape wrk's results have, so the rounds, ratios
 * and CPU sampling treat both alike. h2load gives no latency percentiles: the
 * h2 rows have no latency run.
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import type { WrkRequest } from "./_scenarios.ts";
import { output } from "./_tools.ts";
import type { WrkResult } from "./_wrk.ts";

export interface H2loadRun {
  seconds: number;
  /** Connections (`-c`). */
  connections: number;
  /** Concurrent streams per connection (`-m`). */
  streams: number;
}

/** `h2load --version`, e.g. "h2load nghttp2/1.52.0". */
export const h2loadVersion = (): string => output("h2load", ["--version"]) || "h2load";

const count = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN);

/** The numbers of h2load's summary, or a throw when it printed none. */
export function parseH2load(text: string): WrkResult {
  const seconds = count(text, /finished in ([\d.]+)s/);
  const requests = count(text, /requests: .*?(\d+) succeeded/);
  if (!(seconds > 0) || Number.isNaN(requests)) throw new Error(`h2load printed no summary: ${text.trim().split("\n").pop()}`);
  const failed = count(text, /(\d+) failed/) + count(text, /(\d+) errored/) + count(text, /(\d+) timeout/);
  const [, , c3, c4, c5] = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(text) ?? [];
  const protocol = /Application protocol: (\S+)/.exec(text)?.[1];
  if (protocol !== "h2") throw new Error(`h2load negotiated ${protocol ?? "nothing"}, not h2`);
  return {
    requests,
    durationUs: seconds * 1e6,
    bytes: count(text, /traffic: .*?\((\d+)\) total/),
    connectErrors: 0,
    readErrors: 0,
    writeErrors: failed,
    statusErrors: Number(c3 ?? 0) + Number(c4 ?? 0) + Number(c5 ?? 0),
    timeouts: 0,
    p50Us: NaN,
    p99Us: NaN,
    maxUs: NaN,
  };
}

/**
 * Drive `url` over HTTP/2 with h2load on one thread for `run.seconds`. h2load
 * 1.52 now and then exits without its summary right after "Stopped all
 * clients" (seen once in a 5 s run against raw Node; not reproduced alone):
 * such a run is tried once more, and said so on stderr.
 */
export async function h2load(url: string, request: WrkRequest, run: H2loadRun): Promise<WrkResult> {
  try {
    return await h2loadOnce(url, request, run);
  } catch (error) {
    if (!/printed no summary/.test((error as Error).message)) throw error;
    process.stderr.write(`bench: ${(error as Error).message}; running h2load once more\n`);
    return h2loadOnce(url, request, run);
  }
}

function h2loadOnce(url: string, request: WrkRequest, run: H2loadRun): Promise<WrkResult> {
  const args = ["-t1", `-c${run.connections}`, `-m${run.streams}`, `-D${run.seconds}`];
  if (request.bodyFile) args.push("-d", request.bodyFile);
  if (request.contentType) args.push("-H", `content-type: ${request.contentType}`);
  args.push(url + "/");
  return new Promise((resolve, reject) => {
    execFile("h2load", args, { timeout: (run.seconds + 30) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      try {
        resolve(parseH2load(stdout));
      } catch (problem) {
        const how = error ? `exit ${error.code ?? "-"}, signal ${error.signal ?? "-"}` : "exit 0";
        reject(new Error(`${(problem as Error).message} (${how}${stderr ? `: ${stderr.trim().split("\n").pop()}` : ""})`));
      }
    });
  });
}
