/**
 * `omniserve serve --watch`: serve the module in a child process and restart
 * it when the module, a local file it imports, or an `--env-file` changes.
 * Each restart is graceful (SIGTERM: in-flight requests finish, 10 s
 * deadline), keeps the port (`--port 0` keeps the one it picked), and says so
 * in one line. A restart that fails (a syntax error mid-edit) prints the
 * error and waits for the next change; so does a server that exits by itself.
 *
 * Why not the runtimes' own watchers: measured with a request in flight
 * during a change, `deno run --watch` and `bun --watch` drop it (the client
 * sees the connection close), and `bun --watch` then failed to listen again
 * (ERR_PORT_IN_USE) until the next change; `deno --watch` also ignores the
 * process exiting, so SIGTERM no longer stops it. Only `node --watch` waits
 * for a graceful exit. One watcher here gives every runtime the same restarts,
 * fed by the same reading of the imports (`_imports.ts`).
 * @module
 */
import { type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { logLine } from "../src/_log.ts";
import type { Runtime } from "../src/types.ts";
import { displayPath } from "./_code-frame.ts";
import { readEnvFiles } from "./_env-file.ts";
import { fatal } from "./_fatal.ts";
import { importGraph } from "./_imports.ts";
import type { ServeFlags } from "./_serve.ts";
import { type SpawnedServer, startServer } from "./spawn.ts";

/** Changes closer together than this make one restart (an editor's save is often two events). */
const SETTLE_MS = 100;
/** How long a graceful stop may take before SIGKILL (the server's own deadline is 10 s). */
const STOP_GRACE_MS = 12_000;
/** Errors a change to the module can fix; any other at the first start ends the command. */
const FIXABLE = /\[(ERR_MODULE_LOAD|ERR_NO_FETCH)\]$/;

/** What to serve and watch. */
export interface WatchPlan {
  modulePath: string;
  runtime: Runtime;
  flags: ServeFlags;
  runtimeFlags: string[];
  envFiles?: string[];
}

/** A file's size and modification time: an event that changes neither is no change. */
const stamp = (file: string): string => {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "gone";
  }
};

/** Serve and restart on changes until SIGINT/SIGTERM. Never returns. */
export async function serveWatching(plan: WatchPlan): Promise<never> {
  const entry = resolve(plan.modulePath);
  let port = plan.flags.port;
  let server: SpawnedServer | undefined;
  let stamps = new Map<string, string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let busy = false;
  let again = false;
  let stopping = false;

  /** Note the files' stamps, and watch their folders (a folder sees an editor's save-by-rename, a file watch would not). */
  const rewatch = () => {
    const files = [...importGraph(entry), ...(plan.envFiles ?? []).map((f) => resolve(f))];
    stamps = new Map(files.map((f) => [f, stamp(f)]));
    const dirs = new Set(files.map(dirname));
    for (const [dir, watcher] of watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        watchers.set(dir, watch(dir, (_event, name) => {
          if (name && [...stamps.keys()].some((f) => dirname(f) === dir && basename(f) === String(name))) schedule();
        }));
      } catch {
        // A folder that vanished: the next successful scan watches what exists.
      }
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void restart(), SETTLE_MS);
  };

  const start = async (first: boolean): Promise<SpawnedServer | undefined> => {
    try {
      const env = plan.envFiles ? readEnvFiles(plan.envFiles) : {};
      const options = { ...plan.flags, port, env, runtimeFlags: plan.runtimeFlags, inherit: true, quietReady: !first };
      const started = await startServer(entry, plan.runtime, options);
      // Restarts keep the port the first successful start picked (`--port 0`).
      if (!port) port = Number(new URL(started.url).port);
      started.exited.then((code) => {
        if (server !== started || stopping || busy) return;
        server = undefined;
        logLine(`the server exited with status ${code}; waiting for a change to restart it`, "info");
      });
      return started;
    } catch (error) {
      const printed = (error as { childExitCode?: unknown }).childExitCode !== undefined;
      if (first && !(printed && FIXABLE.test((error as Error).message))) {
        if (printed) process.exit(1);
        fatal(error);
      }
      if (!printed) logLine(`error: ${(error as Error).message}`, "error");
      logLine("waiting for a change to restart", "info");
      return undefined;
    }
  };

  const restart = async () => {
    if (stopping) return;
    if (busy) {
      again = true;
      return;
    }
    const changed = [...stamps].filter(([file, was]) => stamp(file) !== was).map(([file]) => file);
    if (changed.length === 0) return;
    busy = true;
    // The files as the new server will load them: a change from here on is a change after it.
    rewatch();
    await server?.stop(STOP_GRACE_MS);
    server = await start(false);
    if (server) logLine(`restarted after a change to ${changed.map(displayPath).join(", ")}`, "info");
    busy = false;
    if (again) {
      again = false;
      schedule();
    }
  };

  const onSignal = async () => {
    if (stopping) return;
    stopping = true;
    for (const watcher of watchers.values()) watcher.close();
    clearTimeout(timer);
    while (busy) await sleep(50);
    const code = await server?.stop(STOP_GRACE_MS);
    process.exit(typeof code === "number" ? code : 0);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  rewatch();
  server = await start(true);
  return new Promise<never>(() => {});
}
