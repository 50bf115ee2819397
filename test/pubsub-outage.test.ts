/**
 * `omniserve serve --workers 2 --pubsub redis://...` while Redis is down, on
 * node, deno and bun, against a real redis-server: the workers of one
 * instance keep reaching each other (an outage of Redis leaves "this machine
 * only", never "this process only"); once Redis is up, another instance (on
 * another runtime) gets their messages and they get its, each once and in
 * order; one line per outage and one per recovery.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SpawnedServer } from "../dist/cli/spawn.js";
import type { PubSubStats, Runtime } from "../src/types.ts";
import { cli } from "./support/cli.ts";
import { startRedis, type TestRedis } from "./support/redis.ts";
import { startLocal } from "./support/served.ts";
import { frame, OP, RawClient } from "./support/ws-client.ts";

const FIXTURE = "test/fixture/ws-app.ts";
const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
const CHANNEL = "omniserve:app:";
const OUTAGE_LINES = /pubsub: (cannot reach Redis|lost Redis|Redis is back)/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

/** A member of `topic` on `url`, with the process id of the worker that holds it. */
async function member(url: string, topic: string): Promise<{ client: RawClient; pid: string }> {
  const { client } = await RawClient.connect(`${url}/?topic=${topic}`);
  expect(await client!.nextText()).toBe("hello 127.0.0.1");
  client!.sendText("pid");
  return { client: client!, pid: await client!.nextText() };
}

/** Members of `topic` on an instance of 2 workers, two on each worker (which worker gets one is the kernel's choice). */
async function onBothWorkers(url: string, topic: string): Promise<RawClient[]> {
  const byPid = new Map<string, RawClient[]>();
  const full = () => [...byPid.values()].filter((m) => m.length === 2).length === 2;
  for (let i = 0; i < 60 && !full(); i++) {
    const { client, pid } = await member(url, topic);
    const members = byPid.get(pid) ?? [];
    if (members.length >= 2) client.destroy();
    else byPid.set(pid, [...members, client]);
  }
  expect([...byPid.values()].map((m) => m.length)).toEqual([2, 2]);
  return [...byPid.values()].flat();
}

/**
 * Each client of `room` publishes `count` messages on `topic`; each client must get, from each other one that
 * `reaches` it, all of them once and in order, and nothing else.
 */
async function exchange(room: RawClient[], topic: string, tag: string, count: number, reaches: (from: number, to: number) => boolean) {
  for (let n = 0; n < count; n++) for (const [i, client] of room.entries()) client.sendText(`pub:${topic}:${tag}.${i}.${n}`);
  const expected = room.map((_, to) => room.filter((_, from) => from !== to && reaches(from, to)).length * count);
  const data = (c: RawClient) => c.frames.filter((f) => f.opcode === OP.text);
  await until(() => Promise.resolve(room.map((c) => data(c).length)), (got) => got.every((n, i) => n >= expected[i]));
  await sleep(300); // a duplicate, or a message that should not have crossed, would arrive now
  for (const [to, client] of room.entries()) {
    const got = data(client).map((f) => f.payload.toString());
    client.frames.length = 0;
    const want = room.flatMap((_, from) =>
      from !== to && reaches(from, to) ? Array.from({ length: count }, (_, n) => `${tag}.${from}.${n}`) : []
    );
    // Per-publisher order: compare each publisher's messages in the order they came.
    const byFrom = (texts: string[]) => room.map((_, from) => texts.filter((t) => t.startsWith(`${tag}.${from}.`)));
    expect(got.length, `client ${to} got ${got.join(" ")}`).toBe(want.length);
    expect(byFrom(got), `client ${to}`).toEqual(byFrom(want));
  }
}

describe.each(RUNTIMES)("--workers 2 --pubsub redis on %s, Redis down", (runtime) => {
  const other = RUNTIMES[(RUNTIMES.indexOf(runtime) + 1) % RUNTIMES.length];
  let redis: TestRedis;
  let workers: SpawnedServer;
  let single: SpawnedServer | undefined;
  const clients: RawClient[] = [];
  const numsub = (topic: string) => redis.cli("pubsub", "numsub", CHANNEL + topic).then((out) => Number(out.split("\n")[1]));
  const outageLines = () => workers.stderr().split("\n").filter((l) => OUTAGE_LINES.test(l));
  const stats = async (): Promise<PubSubStats> => (await fetch(`${single!.url}/pubsub`)).json();

  beforeAll(async () => {
    redis = await startRedis([], { down: true });
    workers = await startLocal(FIXTURE, runtime, { workers: 2, env: { OMNISERVE_PUBSUB: redis.url } });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([workers?.stop(), single?.stop()]);
    await redis?.stop();
  });

  test("down at start: the workers share their messages; once Redis is up, another instance's reach them and theirs reach it, once each, in order", async () => {
    expect(outageLines()).toEqual([expect.stringMatching(/pubsub: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); local delivery continues/)]);
    const room = await onBothWorkers(workers.url, "room");
    clients.push(...room);
    await exchange(room, "room", "down", 10, () => true);

    await redis.restart();
    await until(() => Promise.resolve(outageLines().length), (n) => n === 2);
    // The machine is one instance on Redis: one subscription for both workers.
    expect(await until(() => numsub("room"), (n) => n === 1)).toBe(1);
    single = await startLocal(FIXTURE, other, { env: { OMNISERVE_PUBSUB: redis.url } });
    const away = (await member(single.url, "room")).client;
    clients.push(away);
    expect(await until(() => numsub("room"), (n) => n === 2)).toBe(2);
    await exchange([...room, away], "room", "up", 10, () => true);
    const lines = outageLines();
    expect(lines).toHaveLength(2);
    // The 40 messages of the exchange before Redis was up could not go to other instances.
    expect(lines[1]).toMatch(/pubsub: Redis is back after [\d.]+ s; 40 messages were dropped meanwhile$/);
  }, 90_000);

  test("killed mid-run: the workers share their messages, the other instance gets none of them, and all flows again once it is back", async () => {
    const room = clients.slice(0, 4);
    const away = clients[4];
    const before = (await stats()).reconnects;
    await redis.kill();
    await until(() => Promise.resolve(outageLines().length), (n) => n === 3);
    expect(outageLines()[2]).toMatch(/pubsub: lost Redis \(.*\); local delivery continues/);
    await until(stats, (s) => !s.connected);
    // 4 clients on two workers, 10 messages each: 40 that reach the other worker but not the other instance.
    await exchange([...room, away], "room", "outage", 10, (from, to) => (from === 4) === (to === 4));

    await redis.restart();
    await until(() => Promise.resolve(outageLines().length), (n) => n === 4);
    expect(outageLines()[3]).toMatch(/pubsub: Redis is back after [\d.]+ s; 40 messages were dropped meanwhile$/);
    expect((await until(stats, (s) => s.connected && s.reconnects === before + 1)).reconnects).toBe(before + 1);
    expect(await until(() => numsub("room"), (n) => n === 2)).toBe(2);
    await exchange([...room, away], "room", "back", 10, () => true);
    expect(outageLines()).toHaveLength(4);
  }, 90_000);

  test("a worker killed mid-publish: the other worker and the other instance get the same messages, in order, none twice", async () => {
    const publisher = await member(workers.url, "kill");
    let local = await member(workers.url, "kill");
    for (let i = 0; i < 40 && local.pid === publisher.pid; i++) local = await member(workers.url, "kill");
    expect(local.pid).not.toBe(publisher.pid);
    const away = (await member(single!.url, "kill")).client;
    clients.push(publisher.client, local.client, away);
    expect(await until(() => numsub("kill"), (n) => n === 2)).toBe(2);
    const texts = (c: RawClient) => c.frames.filter((f) => f.opcode === OP.text).map((f) => f.payload.toString());
    publisher.client.write(Buffer.concat(Array.from({ length: 10_000 }, (_, n) => frame(OP.text, `pub:kill:${n}`, { mask: true }))));
    await until(() => Promise.resolve(texts(local.client).length), (n) => n > 0);
    process.kill(Number(publisher.pid), "SIGKILL");
    await until(() => Promise.resolve(/worker \d was killed by SIGKILL/.test(workers.stderr())), (seen) => seen);
    await sleep(1000); // whatever the relay had read is delivered by now
    const here = texts(local.client);
    const there = await until(() => Promise.resolve(texts(away)), (t) => t.length >= here.length);
    expect(here.length).toBeGreaterThan(0);
    expect(here).toEqual(Array.from({ length: here.length }, (_, n) => String(n)));
    expect(there).toEqual(here);
  }, 60_000);
});

describe("--workers 2 --pubsub redis: start-up errors", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(["--requirepass", "right"]);
  });
  afterAll(() => redis?.stop());

  test("a wrong password (Redis answers, and refuses) and a bus: URL each give one line and exit 1", async () => {
    const cases: [string, RegExp][] = [
      [`redis://:wrong@127.0.0.1:${redis.port}`, /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*WRONGPASS.*\[ERR_PUBSUB\]$/],
      ["bus:/tmp/x.sock", /pubsub URL "bus:\/tmp\/x\.sock" is the workers' own relay; give a redis:\/\/ URL \[ERR_BAD_ARGUMENT\]$/],
    ];
    for (const [url, message] of cases) {
      const { code, stderr } = await cli(["serve", FIXTURE, "--workers", "2", "--port", "0", "--pubsub", url]);
      const lines = stderr.trim().split("\n");
      expect([code, lines.length], `${url}: ${stderr}`).toEqual([1, 1]);
      expect(lines[0]).toMatch(message);
    }
  }, 60_000);
});
