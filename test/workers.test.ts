/**
 * `omniserve serve --workers N` on node, deno and bun: one ready line, both
 * workers answer, pub/sub reaches every worker, a killed worker comes back,
 * SIGTERM lets every slow request finish, bad input gets one line.
 */
import net from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import type { Runtime } from "../src/types.ts";
import { cli } from "./support/cli.ts";
import { served, startLocal } from "./support/served.ts";
import { RawClient } from "./support/ws-client.ts";

const FIXTURE = "test/fixture/ws-app.ts";
const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ask `count` times, each on a fresh connection, which worker answers. */
async function whoAnswers(url: string, count: number): Promise<{ worker: number; pid: number }[]> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url}/worker`, { headers: { connection: "close" }, signal: AbortSignal.timeout(3000) });
    out.push(await res.json() as { worker: number; pid: number });
  }
  return out;
}

/** One keep-alive connection, asked again and again: a client that stays with one worker. */
async function oneConnection(url: string): Promise<{ ask(): Promise<{ worker: number; pid: number }>; close(): void }> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let buffered = Buffer.alloc(0);
  let waiting: ((body: string) => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/content-length: (\d+)/i.exec(buffered.subarray(0, end).toString())?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const body = buffered.subarray(end + 4, end + 4 + length).toString();
    buffered = buffered.subarray(end + 4 + length);
    waiting?.(body);
  });
  return {
    ask: () =>
      new Promise((resolve, reject) => {
        socket.once("close", () => reject(new Error("the connection closed")));
        waiting = (body) => resolve(JSON.parse(body));
        socket.write(`GET /worker HTTP/1.1\r\nhost: ${hostname}:${port}\r\n\r\n`);
      }),
    close: () => socket.destroy(),
  };
}


describe.each(RUNTIMES)("--workers 2 on %s", (runtime) => {
  const server = served(FIXTURE, runtime, { workers: 2 }, 60_000);
  const clients: RawClient[] = [];
  afterAll(() => {
    for (const c of clients) c.destroy(); // before the server stops (after-hooks run last-registered first)
  });

  test("one ready line names the workers, and requests on many connections reach both", async () => {
    expect(server().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const seen = await whoAnswers(server().url, 40);
    expect(new Set(seen.map((s) => s.worker))).toEqual(new Set([0, 1]));
    expect(new Set(seen.map((s) => s.pid)).size).toBe(2);
  });

  test("20 clients spread over the workers are one room: every message reaches the 19 others once, in order", async () => {
    const room: RawClient[] = [];
    for (let i = 0; i < 20; i++) {
      const { client } = await RawClient.connect(`${server().url}/?topic=room`, { headers: { connection: "Upgrade" } });
      clients.push(client!);
      expect(await client!.nextText()).toBe("hello 127.0.0.1");
      room.push(client!);
    }
    // Both workers hold members (they answer "whoami"-free: ask each worker through HTTP how many it has).
    await sleep(300); // the relay joins are in flight
    for (const [i, client] of room.entries()) for (let n = 0; n < 10; n++) client.sendText(`pub:room:${i}.${n}`);
    for (const [me, client] of room.entries()) {
      const got: string[] = [];
      for (let k = 0; k < 19 * 10; k++) got.push(await client.nextText(10_000));
      for (let from = 0; from < 20; from++) {
        const mine = got.filter((t) => t.startsWith(`${from}.`));
        expect(mine, `client ${me} from ${from}`).toEqual(from === me ? [] : Array.from({ length: 10 }, (_, n) => `${from}.${n}`));
      }
    }
  }, 60_000);

  test("a topic of more than 64 KiB in UTF-8 crosses the workers, and its subscribers leaving crashes no worker", async () => {
    const before = new Set((await whoAnswers(server().url, 20)).map((s) => s.pid));
    const room: RawClient[] = [];
    for (let i = 0; i < 10; i++) {
      const { client } = await RawClient.connect(server().url);
      clients.push(client!);
      expect(await client!.nextText()).toBe("hello 127.0.0.1");
      client!.sendText("subn:70000:\u00e9"); // 140,000 bytes of UTF-8
      expect(await client!.nextText()).toBe("ok:subn:70000:\u00e9");
      room.push(client!);
    }
    await sleep(300); // the relay joins are in flight
    room[0].sendText("pubn:70000:\u00e9:long");
    for (const client of room.slice(1)) expect(await client.nextText(10_000)).toBe("long");
    for (const client of room) client.destroy(); // each worker leaves the topic on the relay
    await sleep(300);
    const after = await whoAnswers(server().url, 20);
    expect(new Set(after.map((s) => s.pid))).toEqual(before);
  }, 60_000);

  test("a worker killed with SIGKILL is restarted, clients of the other see no error, and both answer again", async () => {
    const kept = await oneConnection(server().url);
    const survivor = await kept.ask();
    const victim = (await whoAnswers(server().url, 40)).find((s) => s.pid !== survivor.pid)!;
    process.kill(victim.pid, "SIGKILL");
    // The surviving worker's client goes on without an error. (A new connection handed to the killed worker just
    // as it died is that worker's client: reset with reusePort, or left waiting by node:cluster.)
    for (let i = 0; i < 20; i++) expect(await kept.ask()).toEqual(survivor);
    kept.close();
    const deadline = Date.now() + 15_000;
    let after: { worker: number; pid: number }[] = [];
    while (Date.now() < deadline) {
      after = await whoAnswers(server().url, 20).catch(() => []);
      if (after.some((s) => s.worker === victim.worker)) break;
      await sleep(200);
    }
    expect(after.find((s) => s.worker === victim.worker)?.pid).not.toBe(victim.pid);
    expect(new Set(after.map((s) => s.worker))).toEqual(new Set([0, 1]));
    expect(server().stderr()).toMatch(new RegExp(`omniserve: worker ${victim.worker} was killed by SIGKILL, restarting in 1 s`));
  }, 30_000);

  test("SIGTERM with slow requests on both workers: every one completes, exit 0", async () => {
    const own = await startLocal(FIXTURE, runtime, { workers: 2 });
    const slow = Array.from({ length: 12 }, () =>
      fetch(`${own.url}/slow`, { headers: { connection: "close" } }).then((r) => r.text()));
    await sleep(300);
    const code = await own.stop(20_000);
    const answers = await Promise.all(slow);
    expect(code).toBe(0);
    expect(new Set(answers)).toEqual(new Set(["slow 0", "slow 1"]));
  }, 30_000);

  test("--log: both workers' request lines reach stderr whole, one per request", async () => {
    // Workers write to the supervisor's stderr itself (no copy through the supervisor): lines must stay intact.
    const own = await startLocal(FIXTURE, runtime, { workers: 2, log: true });
    try {
      const seen = (await Promise.all(Array.from({ length: 4 }, () => whoAnswers(own.url, 10)))).flat();
      expect(new Set(seen.map((s) => s.worker))).toEqual(new Set([0, 1]));
      const lines = () => own.stderr().split("\n").filter((line) => line.includes("/worker"));
      const deadline = Date.now() + 10_000;
      while (lines().length < 40 && Date.now() < deadline) await sleep(50);
      expect(lines()).toHaveLength(40);
      for (const line of lines()) expect(line).toMatch(/^omniserve: GET \/worker 200 \d+\.\dms$/);
    } finally {
      await own.stop(20_000);
    }
  }, 60_000);

  test("a module that throws at load gives its error once, naming it, and exit 1, without a restart loop", async () => {
    const { code, stdout, stderr } = await cli(["serve", "test/fixture/throws.ts", "--runtime", runtime, "--workers", "2", "--port", "0"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trim().split("\n");
    expect(lines.filter((line) => line.startsWith("omniserve: ")), stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^omniserve: error: test\/fixture\/throws\.ts:2:\d+: Error: this module refuses to load \[ERR_MODULE_LOAD\]$/);
    expect(lines.slice(1).every((line) => /^[ >] *\d* \|/.test(line)), stderr).toBe(true); // the code frame
  }, 60_000);
});

describe("--workers bad input", () => {
  test.each(["0", "-1", "abc", "1.5", "257", "99999"])("--workers %s gives one line and exit 1", async (value) => {
    const { code, stderr } = await cli(["serve", FIXTURE, `--workers=${value}`]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      `omniserve: error: --workers must be a whole number from 1 to 256, or auto; got "${value}" [ERR_BAD_ARGUMENT]`,
    ]);
  });

  test("--workers -2 (a negative number after a space) is the value, not an option", async () => {
    const { code, stderr } = await cli(["serve", FIXTURE, "-w", "-2"]);
    expect(code).toBe(1);
    expect(stderr).toBe('omniserve: error: --workers must be a whole number from 1 to 256, or auto; got "-2" [ERR_BAD_ARGUMENT]\n');
  });
});
