/**
 * The omniserve CLI, run as a user runs it: `node bin/omniserve.js ...`, to
 * completion (`cli`) or in the background until its ready line (`serveCli`).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { runtimeBinary } from "../../cli/runtime.ts";
import type { Runtime } from "../../src/types.ts";

export const BIN = resolve("bin/omniserve.js");

export interface Options {
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The runtime the CLI itself runs on (default node, as the installed bin runs): `deno run -A`, `bun`. */
  host?: Runtime;
}

/** The command that runs the CLI on `host`, as a user would start it there. */
export function hostCommand(host: Runtime = "node"): string[] {
  if (host === "deno") return [runtimeBinary("deno"), "run", "-A", BIN];
  return [host === "node" ? "node" : runtimeBinary(host), BIN];
}

/** Run `omniserve <args>` to its end. */
export function cli(args: string[], options: Options = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, ...options.env };
    const [bin, ...pre] = hostCommand(options.host);
    execFile(bin, [...pre, ...args], { timeout: options.timeoutMs ?? 60_000, env, cwd: options.cwd }, (error, stdout, stderr) => {
      done({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout, stderr });
    });
  });
}

/** A running `omniserve serve`. */
export interface RunningCli {
  child: ChildProcess;
  /** The URL of the ready line. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when `pattern` shows up in stdout + stderr (after `from` characters of it), or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Everything written so far, stdout then stderr as they came. */
  output(): string;
  /** Send `signal` and resolve with the exit code (or the signal's name). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
  exited: Promise<number | string | null>;
}

/** Start `omniserve <args>` (or `command` instead of node and the bin) and wait for its ready line. */
export async function serveCli(args: string[], options: Options & { command?: string[] } = {}): Promise<RunningCli> {
  const [bin, ...pre] = options.command ?? ["node", BIN];
  const child = spawn(bin, [...pre, ...args], { env: { ...process.env, ...options.env }, cwd: options.cwd });
  let out = "";
  let err = "";
  let all = "";
  const listeners = new Set<() => void>();
  const seen = () => listeners.forEach((l) => l());
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
    all += c;
    seen();
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
    all += c;
    seen();
  });
  const exited = new Promise<number | string | null>((r) => child.once("exit", (code, signal) => r(code ?? signal)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000, from = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(all.slice(from));
        if (!m) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${all}`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
      exited.then(() => setTimeout(() => check() || reject(new Error(`exited without ${pattern}; output:\n${all}`)), 50));
    });
  const ready = await waitFor(/omniserve: listening on (\S+) \(/);
  return {
    child,
    url: ready[1],
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    waitFor,
    exited,
    stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
