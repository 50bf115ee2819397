/**
 * Stop when the process that started this one is gone. A server process the
 * CLI starts watches the CLI, so it never outlives it (a CLI killed with
 * SIGKILL would otherwise leave its runtime child serving). The CLI itself
 * watches its parent only when npm started it (`npx`, `npm start`): npm exits
 * on SIGTERM without passing the signal on (npm 11), which would leave the
 * server running as an orphan. Elsewhere a vanished parent is normal
 * (`nohup`, a shell's `&`), so the CLI keeps serving.
 *
 * How: the parent's pid is read twice a second; when it changes, the process
 * was re-parented, so its parent exited. `process.ppid` is read afresh each
 * time on Node, Deno and Bun (measured), and this works for any parent,
 * whatever signal ended it.
 * @module
 */
import process from "node:process";
import { setInterval } from "node:timers";

const EVERY_MS = 500;

/** Call `onGone` once, when the parent process (`parent`, default: the current one) has exited. */
export function watchParent(onGone: () => unknown, parent: number = process.ppid): void {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, EVERY_MS);
  // The server keeps the process alive; the watch alone must not.
  timer.unref();
}

/** True when npm (or a package manager that mimics it) started this process, as `npx` and `npm start` do. */
export function startedByNpm(): boolean {
  return process.env.npm_command !== undefined || process.env.npm_lifecycle_event !== undefined;
}
