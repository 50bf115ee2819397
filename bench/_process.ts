/**
 * A server under test: a child process with a URL, read from /proc for its
 * memory and CPU, and stopped by PID.
 * @module
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** A started contender. */
export interface Running {
  /** Its URL; several comma-separated when a contender is more than one instance. */
  readonly url: string;
  /** The process to measure; its child processes (workers) count with it. */
  readonly pid: number;
  /** Further processes of the contender (a second instance), measured with `pid`. */
  readonly others?: number[];
  stop(): Promise<unknown>;
}

/** `pid` and every process below it (the workers of a supervisor). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue; // gone
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8").trim();
        if (children) out.push(...children.split(" ").map(Number));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return out;
}

/** Every process of a running contender. */
export const processesOf = (r: Running): number[] => [r.pid, ...(r.others ?? [])].flatMap(processTree);

/** Our servers' ready line (stdout), and `deno serve`'s (stderr: "Listening on http://127.0.0.1:8000/"). */
const READY = /listening on (https?:\/\/[^\s/]+)/i;

/** Spawn `argv` (with `env` added to ours) and resolve once it prints its ready line. */
export function spawnServer(argv: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Running> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  let started = false;
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
    const onOutput = (text: string): void => {
      const match = started ? null : READY.exec(text);
      if (!match) return;
      started = true;
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
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => onOutput(out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => onOutput(err += chunk));
  });
}

/** The last non-empty line of a process's output, for one-line failure reasons. */
export function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).pop() ?? "";
}

function status(pid: number, field: string): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return NaN; // gone
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Resident memory now, in bytes. */
export const rss = (pid: number): number => status(pid, "VmRSS");
/** Peak resident memory since start, in bytes. */
export const peakRss = (pid: number): number => status(pid, "VmHWM");

/** CPU seconds (user + system, all threads) the process used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ
}

/** CPU seconds of every process of a running contender. */
export const contenderCpu = (r: Running): number => processesOf(r).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
