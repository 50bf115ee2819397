/**
 * Start an app module on a runtime in a child process and wait for its ready
 * line. `omniserve serve --runtime X` and `omniserve test` both go through
 * here, and so do omniserve's own tests and the bench (hence no `_` prefix:
 * it is shared inside the repository, though not a published entry point).
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OmniserveError } from "../src/_errors.ts";
import type { Runtime } from "../src/types.ts";
import { runtimeArgv, runtimeNotFound } from "./runtime.ts";
import { TextTail } from "./_tail.ts";
import type { ServeFlags } from "./_serve.ts";

const CHILD = fileURLToPath(new URL("./_child.js", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
/** The one line a server (or a supervisor of workers) prints when it accepts connections. */
const READY = /^omniserve: listening on (\S+) \((\w+)(?:, (\d+) workers)?\)$/m;
/** How much of a child's stderr is kept (characters): a long-running or chatty child must not grow without bound. */
export const STDERR_KEPT: number = 1024 * 1024;

/** A server running in a child process. */
export interface SpawnedServer {
  readonly runtime: Runtime;
  /** `http://host:port` without a trailing slash. */
  readonly url: string;
  readonly child: ChildProcess;
  /**
   * What the child wrote to stderr from offset `from` (default: its start),
   * at most the last {@link STDERR_KEPT} characters: older output is dropped.
   */
  stderr(from?: number): string;
  /** How many characters the child has written to stderr in all: the offset where the next output starts. */
  stderrLength(): number;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`; resolves with the exit code (or the signal's name). */
  stop(graceMs?: number): Promise<number | string | null>;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string | null>;
}

/** Options for {@link startServer}. */
export interface SpawnOptions extends ServeFlags {
  /** Pass the child's stdout/stderr through to ours (as `omniserve serve` does). */
  inherit?: boolean;
  /** With `inherit`, leave the child's ready line out (a supervisor prints one line for all workers). */
  quietReady?: boolean;
  /**
   * Give the child our stderr itself rather than a pipe we copy from: its log lines (one per request with
   * `--log`) then cost this process nothing. A start that fails has printed its error there already; the
   * rejection's message is then only the exit status, and `stderr()` stays empty.
   */
  directStderr?: boolean;
  /** Give up waiting for the ready line after this long (default 30 s). */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Serve with `omniserve serve --workers N` (a supervisor and N worker processes). */
  workers?: number;
  /** Flags for the runtime, before the script (`omniserve serve ... -- <flags>`). */
  runtimeFlags?: string[];
  /** Called with the child process as soon as it is spawned, before it is ready (to pass a signal on). */
  onSpawn?: (child: ChildProcess) => void;
}

/** The arguments of `_child.js` after the script: `<module> <flags as JSON>`. */
export function childArgs(modulePath: string, flags: ServeFlags): string[] {
  const { port, hostname, certFile, keyFile, passphraseFile, http2, log, logFormat } = flags;
  return [modulePath, JSON.stringify({ port, hostname, certFile, keyFile, passphraseFile, http2, log, logFormat })];
}

/** The argv of the CLI supervising `workers` processes of `modulePath` on `runtime`. */
function supervisorArgv(modulePath: string, runtime: Runtime, options: SpawnOptions): string[] {
  const given = (name: string, value: string | number | undefined) => value === undefined ? [] : [`--${name}`, String(value)];
  return [
    process.execPath,
    MAIN,
    "serve",
    modulePath,
    "--runtime",
    runtime,
    "--workers",
    String(options.workers),
    ...given("port", options.port),
    ...given("hostname", options.hostname),
    ...given("cert", options.certFile),
    ...given("key", options.keyFile),
    ...given("passphrase-file", options.passphraseFile),
    ...(options.http2 === undefined ? [] : [options.http2 ? "--http2" : "--no-http2"]),
    ...given("log-format", options.logFormat),
    ...(options.log ? ["--log"] : []),
    ...(options.runtimeFlags?.length ? ["--", ...options.runtimeFlags] : []),
  ];
}

/** Set for a Deno server process given NO_COLOR by {@link plainText}: _child.ts takes both away before the app loads. */
export const UNSET_NO_COLOR = "OMNISERVE_UNSET_NO_COLOR";

/**
 * Deno colours its own errors (an uncaught error, a pending top-level await) even on a pipe, where Node and Bun
 * write plain text: a Deno server process whose stderr is no terminal gets NO_COLOR, which Deno honours. The app
 * does not see it (see {@link UNSET_NO_COLOR}), so its environment is the same on every runtime.
 */
function plainText(runtime: Runtime, options: SpawnOptions): Record<string, string> {
  if (runtime !== "deno" || process.env.NO_COLOR !== undefined) return {};
  if (options.directStderr && process.stderr.isTTY) return {};
  return { NO_COLOR: "1", [UNSET_NO_COLOR]: "1" };
}

/** Serve `modulePath` on `runtime` in a child process. */
export function startServer(
  modulePath: string,
  runtime: Runtime,
  options: SpawnOptions = {},
): Promise<SpawnedServer> {
  const workers = (options.workers ?? 1) > 1;
  const [bin, ...args] = workers
    ? supervisorArgv(modulePath, runtime, options)
    : runtimeArgv(runtime, CHILD, childArgs(modulePath, options), options.runtimeFlags);
  const child = spawn(bin, args, {
    stdio: ["ignore", "pipe", options.directStderr ? "inherit" : "pipe"],
    // A supervisor of workers starts each worker through here, and decides for them.
    env: { ...process.env, ...(workers ? {} : plainText(runtime, options)), ...options.env },
  });
  options.onSpawn?.(child);
  return watchServer(child, { runtime, modulePath, bin }, options);
}

/**
 * Wait for `child`'s ready line. Rejects when it exits first (with its last
 * stderr line, and `childExitCode`), cannot be started, or takes too long.
 */
export function watchServer(
  child: ChildProcess,
  what: { runtime: Runtime; modulePath: string; bin: string },
  options: Pick<SpawnOptions, "inherit" | "quietReady" | "timeoutMs"> = {},
): Promise<SpawnedServer> {
  const { runtime, modulePath, bin } = what;
  let out = "";
  let ready = false;
  const err = new TextTail(STDERR_KEPT);
  // Null when the child writes to our stderr itself (`directStderr`).
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err.append(chunk);
    if (options.inherit) process.stderr.write(chunk);
  });
  const exited = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new OmniserveError("ERR_LISTEN", `${runtime} did not start ${modulePath} within ${options.timeoutMs ?? 30000} ms\n${err.text()}`));
    }, options.timeoutMs ?? 30_000);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" || error.code === "EACCES" ? runtimeNotFound(runtime, bin) : error);
    });
    exited.then((code) => {
      clearTimeout(timer);
      // The child's error line; a code frame may follow it.
      const text = err.text();
      const line = text.split("\n").findLast((l) => l.startsWith("omniserve: error: ")) ?? text.trim().split("\n").pop() ?? "";
      const error = new OmniserveError("ERR_LISTEN", line.replace(/^omniserve: error: /, "") || `${runtime} exited with status ${code}`);
      reject(Object.assign(error, { childExitCode: typeof code === "number" ? code : 1 }));
    });
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (options.inherit) {
        const shown = options.quietReady ? chunk.replace(READY, "").replace(/^\n/, "") : chunk;
        if (shown) process.stdout.write(shown);
      }
      if (ready) return;
      out += chunk;
      const match = READY.exec(out);
      if (!match) return;
      clearTimeout(timer);
      ready = true;
      resolve({
        runtime,
        url: match[1],
        child,
        stderr: (from) => err.text(from),
        stderrLength: () => err.length,
        exited,
        stop(graceMs = 12_000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill("SIGTERM");
          const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
          return exited.finally(() => clearTimeout(kill));
        },
      });
    });
  });
}
