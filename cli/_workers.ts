/**
 * `omniserve serve --workers N`: N server processes on one port, one ready
 * line, one supervisor. Deno, Bun and Node 22.12+ share the port with
 * `reusePort` (the kernel spreads connections); older Node with
 * `node:cluster` (this process accepts and hands connections over). The first
 * worker binds (port 0 picks one), the others join its port. Pub/sub crosses
 * workers through the relay in `transports/bus.ts`, always: when
 * `OMNISERVE_PUBSUB` (`--pubsub`) names a Redis, this process holds the
 * machine's one link to it beside the relay (`transports/_backplane.ts`), so
 * the workers keep reaching each other while Redis is down, and a Redis not
 * yet up at start is an outage (one line), not an error.
 *
 * Supervision: a worker that dies is restarted with backoff and one line; one
 * that dies 5 times within 30 s stops the whole server with exit status 1; a
 * worker that cannot start at all (a module that throws at load) stops it at
 * once. SIGINT/SIGTERM stop every worker gracefully, then exit 0.
 *
 * Output: a worker's stderr (log lines, `--log`) is ours itself, so serving
 * costs this process nothing; only its stdout passes through here, for the
 * ready line. In steady state the supervisor makes no system call (strace).
 * @module
 */
import cluster from "node:cluster";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { nodeHasReusePort } from "../adapters/node/reuse-port.ts";
import { logLine } from "../src/_log.ts";
import type { Runtime } from "../src/types.ts";
import { OmniserveError } from "../src/_errors.ts";
import { resolvePubSub } from "../src/_options.ts";
import { Backplane } from "../transports/_backplane.ts";
import { BUS_SCHEME } from "../transports/index.ts";
import { BusRelay } from "../transports/bus.ts";
import { RedisTransport } from "../transports/redis.ts";
import type { ServeFlags } from "./_serve.ts";
import { runtimeBinary } from "./runtime.ts";
import { childArgs, type SpawnedServer, startServer, watchServer } from "./spawn.ts";

const CHILD = fileURLToPath(new URL("./_child.js", import.meta.url));
/** A worker that exits this many times within CRASH_WINDOW_MS stops the server. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 30_000;
const MAX_BACKOFF_MS = 8_000;
/** How long a graceful stop may take per worker before SIGKILL (the worker's own deadline is 10 s). */
const STOP_GRACE_MS = 12_000;

/** What to run. */
export interface WorkersPlan {
  modulePath: string;
  runtime: Runtime;
  count: number;
  flags: ServeFlags;
  /** The runtime flags every worker gets (`omniserve serve ... -- <flags>`). */
  runtimeFlags: string[];
}

/** True when Node workers must share the port through `node:cluster`. */
function needsCluster(runtime: Runtime): boolean {
  if (runtime !== "node") return false;
  const bin = runtimeBinary("node");
  const version = bin === process.execPath
    ? process.versions.node
    : execFileSync(bin, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  return !nodeHasReusePort(version);
}

/** The link to the other instances when `OMNISERVE_PUBSUB` names one (Redis); waits for a Redis that is down. */
async function backplane(): Promise<Backplane | undefined> {
  const config = resolvePubSub(undefined);
  if (!config) return undefined;
  if (config.url.startsWith(BUS_SCHEME)) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `pubsub URL "${config.url}" is the workers' own relay; give a redis:// URL`);
  }
  return new Backplane(new RedisTransport({ ...config, waitAtStart: true }));
}

/** Run the workers until a signal (exit 0) or a crash loop (exit 1). Never returns. */
export async function serveWorkers(plan: WorkersPlan): Promise<never> {
  const { modulePath, runtime, count } = plan;
  const useCluster = needsCluster(runtime);
  const env: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), "omniserve-workers-"));
  const cleanup = async () => {
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let relay: BusRelay | undefined;
  try {
    const path = join(dir, "bus.sock");
    relay = await BusRelay.listen(path, { backplane: await backplane() });
    env.OMNISERVE_PUBSUB = BUS_SCHEME + path;
  } catch (error) {
    await cleanup();
    throw error; // one line and exit 1 (main's fatal)
  }
  if (!useCluster) env.OMNISERVE_REUSE_PORT = "1";

  const start = (index: number, port: number | undefined): Promise<SpawnedServer> => {
    const flags = { ...plan.flags, port };
    const workerEnv = { ...env, OMNISERVE_WORKER: String(index) };
    // A worker's log lines go straight to our stderr: copied through this process, each request line of
    // `--log` woke it and took a fifth of the CPU of a hello run (measured, Node 20, bench/README.md).
    const options = { inherit: true, quietReady: true, directStderr: true };
    if (!useCluster) {
      return startServer(modulePath, runtime, { ...flags, ...options, env: workerEnv, runtimeFlags: plan.runtimeFlags });
    }
    cluster.setupPrimary({ exec: CHILD, args: childArgs(modulePath, flags), execArgv: plan.runtimeFlags, stdio: ["ignore", "pipe", "inherit", "ipc"] });
    const worker = cluster.fork(workerEnv);
    return watchServer(worker.process, { runtime, modulePath, bin: process.execPath }, options);
  };

  const workers: SpawnedServer[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    await Promise.all(workers.map((w) => w.stop(STOP_GRACE_MS)));
    await cleanup();
    process.exit(code);
  };
  const failStart = async (error: unknown): Promise<never> => {
    // The worker printed its one line (the module's error) to our stderr already.
    if ((error as { childExitCode?: unknown }).childExitCode === undefined) {
      logLine(`error: ${(error as Error).message}`, "fatal");
    }
    return stopAll(1);
  };

  let first: SpawnedServer;
  try {
    first = await start(0, plan.flags.port);
  } catch (error) {
    return failStart(error);
  }
  workers.push(first);
  // reusePort: the others bind the port the first one got. Cluster: the primary holds one listening handle per
  // requested address, so the others ask for the same (possibly 0) port and share it.
  const port = useCluster ? plan.flags.port : Number(new URL(first.url).port);
  try {
    workers.push(...await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1, port))));
  } catch (error) {
    return failStart(error);
  }
  process.stdout.write(`omniserve: listening on ${first.url} (${runtime}, ${count} workers)\n`);

  const exits: number[][] = workers.map(() => []);
  const supervise = (index: number): void => {
    workers[index].exited.then(async (code) => {
      if (stopping) return;
      const now = Date.now();
      const recent = (exits[index] = [...exits[index].filter((t) => now - t < CRASH_WINDOW_MS), now]);
      const how = typeof code === "string" ? `was killed by ${code}` : `exited with code ${code}`;
      if (recent.length >= CRASH_LIMIT) {
        logLine(`worker ${index} ${how}, ${recent.length} times within ${CRASH_WINDOW_MS / 1000} s; stopping`);
        return stopAll(1);
      }
      const delay = Math.min(1000 * 2 ** (recent.length - 1), MAX_BACKOFF_MS);
      logLine(`worker ${index} ${how}, restarting in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
      if (stopping) return;
      try {
        workers[index] = await start(index, port);
      } catch {
        workers[index] = { ...workers[index], exited: Promise.resolve(1) };
      }
      supervise(index);
    });
  };
  workers.forEach((_, i) => supervise(i));

  const onSignal = () => void stopAll(0);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return new Promise<never>(() => {});
}
