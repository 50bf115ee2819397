/**
 * A real redis-server for the pub/sub tests: started on a free loopback port
 * with no persistence, stopped after. Debian's redis-server (`.ci/run`
 * installs it); no mock anywhere.
 * @module
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import net from "node:net";

/** A running Redis the test owns. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** The redis-server process's id while it runs (the bench reads its CPU time). */
  readonly pid: number | undefined;
  /** Run a redis-cli command against it; resolves with its output. */
  cli(...args: string[]): Promise<string>;
  /** Kill it (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Start it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function cli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("redis-cli", ["-p", String(port), ...args], { timeout: 5000 }, (error, out) =>
      error ? reject(error) : resolve(out.trim()))
  );
}

async function launch(port: number, extra: string[]): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extra], {
    stdio: "ignore",
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    // With --requirepass an unauthenticated ping answers NOAUTH: the server is up all the same.
    if (/^(PONG|NOAUTH)/.test(await cli(port, ["ping"]).catch(() => ""))) return child;
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Start a redis-server; `extra` adds server flags (`--requirepass x`, say).
 * With `down`, only pick its port: Redis is not started until `restart()`.
 */
export async function startRedis(extra: string[] = [], { down = false } = {}): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = down ? undefined : await launch(port, extra);
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    cli: (...args) => cli(port, args),
    kill,
    async restart() {
      child = await launch(port, extra);
    },
    stop: kill,
  };
}
