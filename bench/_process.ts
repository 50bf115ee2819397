/**
 * A server under test: a child process with a URL, read from /proc for its
 * memory and CPU, and stopped by PID.
 * @module
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";

/** A started contender. */
export interface Running {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<unknown>;
}

const READY = /listening on (http:\/\/\S+)/;

/** Spawn `argv` and resolve once it prints its ready line. */
export function spawnServer(argv: string[], timeoutMs = 30_000): Promise<Running> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  let out = "";
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${reason}${err ? `: ${lastLine(err)}` : ""}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(error.message));
    const onExit = (code: number | null): void => fail(`exited with status ${code}`);
    child.once("exit", onExit);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = READY.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      resolve({
        url: match[1],
        pid: child.pid!,
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
          return exited;
        },
      });
    });
  });
}

/** The last non-empty line of a process's output, for one-line failure reasons. */
export function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).pop() ?? "";
}

function status(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Resident memory now, in bytes. */
export const rss = (pid: number): number => status(pid, "VmRSS");
/** Peak resident memory since start, in bytes. */
export const peakRss = (pid: number): number => status(pid, "VmHWM");

/** CPU seconds (user + system, all threads) the process used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ
}
