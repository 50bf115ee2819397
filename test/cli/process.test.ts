/**
 * The CLI as a process, on node, deno and bun: stopped through `npx` (which
 * exits on SIGTERM without passing it on), it still stops gracefully; its
 * server processes never outlive it, even when it is killed with SIGKILL; and
 * runtime flags after `--` reach the runtime.
 */
import { spawn } from "node:child_process";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { BIN, cli, serveCli } from "../support/cli.ts";
import { applies } from "../support/exceptions.ts";

const APP = "test/fixture/ws-app.ts";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves true once `check` holds, false after `ms`. */
async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await check()) return true;
  return check();
}

const refused = (url: string) => () => fetch(url, { signal: AbortSignal.timeout(1000) }).then(() => false, () => true);

async function workerPids(url: string, tries: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < tries; i++) {
    const res = await fetch(`${url}/worker`, { headers: { connection: "close" } });
    pids.add((await res.json() as { pid: number }).pid);
  }
  return pids;
}

describe.each(["node", "deno", "bun"] as Runtime[])("the omniserve process on %s", (runtime) => {
  test("SIGTERM to npx stops the server gracefully: npx exits without passing it on, the CLI sees its parent go", async () => {
    const server = await serveCli(["omniserve", "serve", APP, "--runtime", runtime, "--port", "0"], { command: ["npx"] });
    const [pid] = await workerPids(server.url, 1);
    try {
      const slow = fetch(`${server.url}/slow`).then((r) => r.text());
      await sleep(200);
      server.child.kill("SIGTERM");
      expect(await server.exited).not.toBe(0); // npm's own exit (143)
      expect(await slow).toBe("slow 0"); // the request in flight finished
      expect(await within(5000, refused(server.url))).toBe(true);
      expect(await within(5000, () => !alive(pid))).toBe(true);
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL"); // an orphan left by a failure (the CLI exits with it)
    }
  }, 60_000);

  test("SIGKILL to the CLI: its worker processes stop by themselves", async () => {
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0", "--workers", "2"]);
    const pids = await workerPids(server.url, 12);
    expect(pids.size).toBeGreaterThan(0);
    await server.stop("SIGKILL");
    expect(await within(5000, () => [...pids].every((pid) => !alive(pid)))).toBe(true);
    expect(await within(2000, refused(server.url))).toBe(true);
  }, 60_000);
});

// On Node the CLI serves in its own process; on Deno and Bun it starts one server process and waits for it.
describe.each(["node", "deno", "bun"] as Runtime[])("a signal while the module loads, on %s", (runtime) => {
  test.each(["SIGINT", "SIGTERM"] as const)("%s ends the CLI and the loading process at once, by that signal, with no ready line", async (signal) => {
    const child = spawn("node", [BIN, "serve", "test/fixture/slow-start.ts", "--runtime", runtime, "--port", "0"]);
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => out += c);
    child.stderr.setEncoding("utf8").on("data", (c: string) => err += c);
    const exited = new Promise((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig)));
    // Loading takes 10 s: a signal passed on only after the ready line would let the server start first.
    expect(await within(20_000, () => /loading in \d+/.test(err))).toBe(true);
    const loader = Number(/loading in (\d+)/.exec(err)![1]);
    child.kill(signal);
    expect(await exited).toBe(signal);
    expect(out).toBe("");
    expect(err).toBe(`slow-start: loading in ${loader}\n`);
    expect(await within(2000, () => !alive(loader))).toBe(true);
  }, 30_000);
});

describe.each(["node", "deno", "bun"] as Runtime[])("a signal while the module loads, with --watch or --workers, on %s", (runtime) => {
  test.each([["--watch"], ["--workers", "2"]])("SIGINT to the CLI with %s leaves no process to finish loading", async (...mode) => {
    const child = spawn("node", [BIN, "serve", "test/fixture/slow-start.ts", "--runtime", runtime, "--port", "0", ...mode]);
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => err += c);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    expect(await within(20_000, () => /loading in \d+/.test(err))).toBe(true);
    child.kill("SIGINT");
    await exited;
    await sleep(300); // every worker's first line, if it was still on its way
    const loaders = [...err.matchAll(/loading in (\d+)/g)].map((m) => Number(m[1]));
    if (applies("denoWatchAfterLoad", runtime)) {
      // Deno's server processes finish their 10 s load first, then notice the CLI is gone.
      expect(loaders.some((pid) => alive(pid))).toBe(true);
      expect(await within(15_000, () => loaders.every((pid) => !alive(pid)))).toBe(true);
      return;
    }
    // Each load takes 10 s: a server process still there after 5 s would have finished it, and served nobody.
    expect(await within(5000, () => loaders.every((pid) => !alive(pid)))).toBe(true);
  }, 40_000);
});

describe.each(["deno", "bun"] as Runtime[])("the omniserve process and its %s server process", (runtime) => {
  test("SIGKILL to the server process: the CLI exits 1 with one line naming the signal", async () => {
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0"]);
    const [pid] = await workerPids(server.url, 1);
    expect(pid).not.toBe(server.child.pid);
    process.kill(pid, "SIGKILL");
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toBe(`omniserve: error: the ${runtime} server process was killed by SIGKILL [ERR_SERVER_KILLED]\n`);
  }, 60_000);

  test("SIGKILL to the CLI: its server process stops by itself", async () => {
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0"]);
    const [pid] = await workerPids(server.url, 1);
    try {
      await server.stop("SIGKILL");
      expect(await within(5000, () => !alive(pid))).toBe(true);
      expect(await within(2000, refused(server.url))).toBe(true);
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 60_000);

  test("SIGTERM to the CLI stops the server process gracefully: exit 0, no error line", async () => {
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0"]);
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.stderr()).not.toMatch(/error/);
  }, 60_000);
});

describe("runtime flags after --", () => {
  const FLAGS = "test/fixture/flags.ts";
  const seen = async (args: string[]) => {
    const server = await serveCli(["serve", FLAGS, "--port", "0", ...args]);
    try {
      return await (await fetch(server.url)).json() as { execArgv: string[]; env: string };
    } finally {
      await server.stop();
    }
  };

  test("node gets the flags after -- (--max-old-space-size)", async () => {
    expect((await seen(["--runtime", "node", "--", "--max-old-space-size=200"])).execArgv).toEqual(["--max-old-space-size=200"]);
  });

  test("bun gets the flags after -- (--smol), after omniserve's --no-env-file and --no-install", async () => {
    expect((await seen(["--runtime", "bun", "--", "--smol"])).execArgv).toEqual(["--no-env-file", "--no-install", "--smol"]);
  });

  test("deno runs with -A unless the flags after -- give permissions, which then apply alone", async () => {
    expect((await seen(["--runtime", "deno"])).env).toBe("granted");
    expect((await seen(["--runtime", "deno", "--", "--allow-net", "--allow-read"])).env).toBe("denied");
  });

  test("--workers on Deno with permission flags but no --allow-env is refused with one line", async () => {
    const { code, stderr } = await cli(["serve", FLAGS, "--port", "0", "--runtime", "deno", "--workers", "2", "--", "--allow-net", "--allow-read"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: --workers on Deno needs --allow-env among the runtime flags: each worker reads OMNISERVE_WORKER and OMNISERVE_REUSE_PORT [ERR_BAD_ARGUMENT]\n",
    );
  });

  test("with --workers 2 every worker gets the flags", async () => {
    const server = await serveCli(["serve", FLAGS, "--port", "0", "--runtime", "node", "--workers", "2", "--", "--max-old-space-size=200"]);
    try {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(server.url, { headers: { connection: "close" } });
        expect((await res.json() as { execArgv: string[] }).execArgv).toEqual(["--max-old-space-size=200"]);
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});
