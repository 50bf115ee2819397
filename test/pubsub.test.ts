/**
 * Pub/sub across instances: the WebSocket fixture served by Node, Deno and
 * Bun at once behaves as one room, on a real redis-server and on the relay
 * the workers of `--workers N` share.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SpawnedServer } from "../dist/cli/spawn.js";
import type { PubSubStats, Runtime } from "../src/types.ts";
import { BusRelay } from "../transports/bus.ts";
import { SharedPubSub } from "../src/pubsub/_shared.ts";
import { LocalPubSub } from "../src/ws/_pubsub.ts";
import { openTransport } from "../transports/index.ts";
import { startRedis, type TestRedis } from "./support/redis.ts";
import { startLocal } from "./support/served.ts";
import { OP, RawClient } from "./support/ws-client.ts";

const FIXTURE = "test/fixture/ws-app.ts";
const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
const CHANNEL = "omniserve:app:";

/** A small seeded PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Where the three instances meet: a real redis-server, or the workers' relay on a Unix socket. */
interface Meeting {
  url: string;
  /** How many instances have joined `topic` at the meeting point. */
  joined(topic: string): Promise<number>;
  stop(): Promise<void>;
  /** The redis-server itself, when the meeting point is Redis. */
  redis?: TestRedis;
}

const MEETINGS: Record<"redis" | "relay", () => Promise<Meeting>> = {
  async redis() {
    const redis = await startRedis();
    return {
      url: redis.url,
      joined: (topic) => redis.cli("pubsub", "numsub", CHANNEL + topic).then((out) => Number(out.split("\n")[1])),
      stop: () => redis.stop(),
      redis,
    };
  },
  async relay() {
    const path = joinPath(mkdtempSync(joinPath(tmpdir(), "omniserve-bus-")), "bus.sock");
    const relay = await BusRelay.listen(path);
    return { url: `bus:${path}`, joined: (topic) => Promise.resolve(relay.members(topic)), stop: () => relay.close() };
  },
};

/** Three instances, one per runtime (each of `workers` processes), sharing topics through `meet`. */
function threeInstances(meet: () => Promise<Meeting>, workers = 1) {
  const servers = {} as Record<Runtime, SpawnedServer>;
  const clients: RawClient[] = [];
  let meeting: Meeting;

  beforeAll(async () => {
    meeting = await meet();
    await Promise.all(RUNTIMES.map(async (runtime) => {
      servers[runtime] = await startLocal(FIXTURE, runtime, { env: { OMNISERVE_PUBSUB: meeting.url }, workers });
    }));
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    await meeting?.stop();
  });

  async function join(runtime: Runtime, topic: string): Promise<RawClient> {
    const { client } = await RawClient.connect(`${servers[runtime].url}/?topic=${topic}`);
    clients.push(client!);
    expect(await client!.nextText()).toBe("hello 127.0.0.1");
    return client!;
  }

  /**
   * Wait until every instance has joined `topic` at the meeting point: at least one process per runtime, and
   * with workers, until the count holds still (which workers got a subscriber is the kernel's choice).
   */
  async function joined(topic: string): Promise<void> {
    const min = RUNTIMES.length;
    let last = -1;
    const seen = await until(async () => {
      const before = last;
      last = await meeting.joined(topic);
      return { n: last, stable: last === before };
    }, ({ n, stable }) => n >= min && (workers === 1 ? n === min : stable), 10_000);
    expect(seen.n).toBeGreaterThanOrEqual(min);
    if (workers === 1) expect(seen.n).toBe(min);
  }

  const stats = async (runtime: Runtime): Promise<PubSubStats> =>
    (await fetch(`${servers[runtime].url}/pubsub`)).json();

  return { servers, join, joined, stats };
}

/** 30 clients, 10 per runtime, in one room; 1,000 messages from random clients, text and binary alternating. */
async function oneRoom(
  join: (runtime: Runtime, topic: string) => Promise<RawClient>,
  joined: (topic: string) => Promise<void>,
): Promise<void> {
  const room: RawClient[] = [];
  for (const runtime of RUNTIMES) for (let i = 0; i < 10; i++) room.push(await join(runtime, "room"));
  await joined("room");
  const next = random(42);
  const sent = room.map(() => 0);
  for (let i = 0; i < 1000; i++) {
    const from = Math.floor(next() * room.length);
    const text = `${from}.${sent[from]++}`;
    if (i % 2 === 0) room[from].sendText(`pub:room:${text}`);
    else room[from].sendText(`pubbin:room:${text}`);
  }
  // Every client expects every message but its own.
  const expected = room.map((_, me) => 1000 - sent[me]);
  const data = (c: RawClient) => c.frames.filter((f) => f.opcode === OP.text || f.opcode === OP.binary);
  await until(async () => room.map((c) => data(c).length), (counts) => counts.every((n, me) => n >= expected[me]), 30_000);
  await new Promise((r) => setTimeout(r, 300)); // anything extra (a duplicate) would arrive now
  let seq = 0;
  for (const [me, client] of room.entries()) {
    const frames = data(client);
    expect(frames.length, `client ${me}`).toBe(expected[me]);
    const last = new Map<number, number>();
    for (const f of frames) {
      const [from, n] = f.payload.toString().split(".").map(Number);
      expect(from).not.toBe(me);
      // Per-publisher order, none twice, none skipped; even messages went as text, odd as binary.
      expect(n, `client ${me} from ${from}`).toBe((last.get(from) ?? -1) + 1);
      last.set(from, n);
      seq++;
    }
    for (const [from, n] of last) expect(n + 1).toBe(sent[from]);
  }
  expect(seq).toBe(expected.reduce((a, b) => a + b));
  // Kind: each sender's k-th message kind is fixed by the global order, so check kinds against a replay.
  const kinds = new Map<string, number>();
  const replay = random(42);
  const count = room.map(() => 0);
  for (let i = 0; i < 1000; i++) {
    const from = Math.floor(replay() * room.length);
    kinds.set(`${from}.${count[from]++}`, i % 2 === 0 ? OP.text : OP.binary);
  }
  for (const client of room) {
    for (const f of data(client)) expect(f.opcode).toBe(kinds.get(f.payload.toString()));
  }
}

describe.each(["redis", "relay"] as const)("pub/sub across node, deno and bun through %s", (name) => {
  const { servers, join, joined } = threeInstances(MEETINGS[name]);


  test("1,000 messages from 30 clients on three runtimes reach the 29 others exactly once, in order, text and binary", () =>
    oneRoom(join, joined), 60_000);

  test("server.publish on one instance reaches the subscribers on the other two", async () => {
    const members = await Promise.all(RUNTIMES.map((runtime) => join(runtime, "news")));
    await joined("news");
    for (const runtime of RUNTIMES) {
      const res = await fetch(`${servers[runtime].url}/publish?topic=news`, { method: "POST", body: `from ${runtime}` });
      expect(await res.text()).toBe("1"); // the count is this instance's subscribers
      for (const member of members) expect(await member.nextText()).toBe(`from ${runtime}`);
    }
  });

});

describe("pub/sub across node, deno and bun through redis, each instance with --workers 2", () => {
  let redis: TestRedis;
  const { servers, join, joined } = threeInstances(async () => {
    const meeting = await MEETINGS.redis();
    redis = meeting.redis!;
    return meeting;
  }, 2);
  test("1,000 messages from 30 clients on six processes reach the 29 others exactly once, in order, text and binary", () =>
    oneRoom(join, joined), 60_000);

  test("a message on the channel that is not omniserve's is dropped and logged once per instance, not once per worker", async () => {
    for (const runtime of RUNTIMES) {
      // Members on both workers (which worker gets a connection is the kernel's or node:cluster's choice).
      const pids = new Set<string>();
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        const member = await join(runtime, "junk");
        member.sendText("pid");
        pids.add(await member.nextText());
      }
      expect(pids.size).toBe(2);
    }
    expect(await until(() => redis.cli("pubsub", "numsub", CHANNEL + "junk").then((out) => Number(out.split("\n")[1])), (n) => n === 3)).toBe(3);
    await redis.cli("publish", CHANNEL + "junk", "not an omniserve message");
    await redis.cli("publish", CHANNEL + "junk", "another one");
    const lines = (runtime: Runtime) => servers[runtime].stderr().split("\n").filter((l) => l.includes("pubsub: dropped a message"));
    for (const runtime of RUNTIMES) await until(() => Promise.resolve(lines(runtime).length), (n) => n > 0);
    await new Promise((r) => setTimeout(r, 300)); // a second worker's line would come now
    for (const runtime of RUNTIMES) {
      expect(lines(runtime)).toEqual([expect.stringMatching(/pubsub: dropped a message on topic "junk" \(not an omniserve message\); later ones are only counted$/)]);
    }
  }, 60_000);
});

describe("pub/sub on Redis: foreign messages and outages", () => {
  let redis: TestRedis;
  const { servers, join, joined, stats } = threeInstances(async () => {
    const meeting = await MEETINGS.redis();
    redis = meeting.redis!;
    return meeting;
  });

  test("a message on the channel that is not omniserve's is dropped, counted and logged once", async () => {
    await Promise.all(RUNTIMES.map((runtime) => join(runtime, "junk")));
    await joined("junk");
    await redis.cli("publish", CHANNEL + "junk", "not an omniserve message");
    await redis.cli("publish", CHANNEL + "junk", "another one");
    for (const runtime of RUNTIMES) {
      const seen = await until(() => stats(runtime), (s) => s.malformed === 2);
      expect(seen.malformed).toBe(2);
      const lines = servers[runtime].stderr().split("\n").filter((l) => l.includes("pubsub: dropped a message"));
      expect(lines).toHaveLength(1);
    }
  });

  test("a message over 16 MiB stays on its instance (Redis would cut every subscriber off), counted and logged once; the next small one goes everywhere", async () => {
    const big = "\u00e9".repeat(8 * 1024 * 1024 + 1); // 16 MiB + 2 bytes of UTF-8 in 8 Mi + 1 units: the bound counts bytes
    for (const runtime of RUNTIMES) {
      const topic = `huge-${runtime}`;
      // Members on the other instances only: the fixture's 256 KiB send buffer closes a local one (1008) at 16 MiB.
      const others = RUNTIMES.filter((r) => r !== runtime);
      const members = await Promise.all(others.map((r) => join(r, topic)));
      await until(() => Promise.all(others.map((r) => fetch(`${servers[r].url}/count?topic=${topic}`).then((res) => res.text()))), (n) => n.join() === "1,1");
      await new Promise((r) => setTimeout(r, 300)); // their SUBSCRIBE reaches Redis
      const before = await stats(runtime);
      for (const body of [big, big, `small from ${runtime}`]) await fetch(`${servers[runtime].url}/publish?topic=${topic}`, { method: "POST", body });
      for (const member of members) expect(await member.nextText(10_000)).toBe(`small from ${runtime}`);
      expect((await stats(runtime)).dropped - before.dropped).toBe(2);
      const lines = servers[runtime].stderr().split("\n").filter((l) => l.includes("larger than the 16 MiB"));
      expect(lines).toEqual([expect.stringMatching(/pubsub: a message on topic "huge-\w+" is larger than the 16 MiB sent to other instances/)]);
    }
    for (const runtime of RUNTIMES) expect(servers[runtime].stderr()).not.toMatch(/lost Redis/);
  }, 60_000);

  test("Redis killed mid-run: HTTP and local pub/sub keep working, remote delivery resumes after a restart, drops are counted", async () => {
    const a = await join("node", "outage");
    const a2 = await join("node", "outage");
    const b = await join("deno", "outage");
    const c = await join("bun", "outage");
    await joined("outage");
    await redis.kill();
    for (const runtime of RUNTIMES) await until(() => stats(runtime), (s) => !s.connected);
    // Local delivery and HTTP go on.
    a.sendText("pub:outage:local only");
    expect(await a2.nextText()).toBe("local only");
    expect((await fetch(servers.deno.url)).status).toBe(200);
    expect((await stats("node")).dropped).toBeGreaterThan(0);
    await redis.restart();
    for (const runtime of RUNTIMES) {
      const s = await until(() => stats(runtime), (s) => s.connected && s.reconnects === 1, 20_000);
      expect([s.connected, s.reconnects]).toEqual([true, 1]);
    }
    await joined("outage");
    c.sendText("pub:outage:after");
    for (const member of [a, a2, b]) expect(await member.nextText()).toBe("after");
    const lines = servers.node.stderr().split("\n").filter((l) => /pubsub: (lost Redis|Redis is back)/.test(l));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/; 1 message was dropped meanwhile$/);
  }, 60_000);

  test("a subscriber that joins while Redis is down gets the other instances' messages once it is back", async () => {
    const before = await Promise.all(RUNTIMES.map((runtime) => stats(runtime)));
    await redis.kill();
    for (const runtime of RUNTIMES) await until(() => stats(runtime), (s) => !s.connected);
    const members = [await join("node", "late"), await join("deno", "late")];
    // Let the clients fail a reconnect attempt or two while the joins wait (their backoff tops out at 2 s).
    await new Promise((r) => setTimeout(r, 2500));
    await redis.restart();
    for (const [i, runtime] of RUNTIMES.entries()) {
      const s = await until(() => stats(runtime), (s) => s.connected && s.reconnects === before[i].reconnects + 1, 20_000);
      expect([s.connected, s.reconnects]).toEqual([true, before[i].reconnects + 1]);
    }
    const numsub = () => redis.cli("pubsub", "numsub", CHANNEL + "late").then((out) => Number(out.split("\n")[1]));
    expect(await until(numsub, (n) => n === 2)).toBe(2);
    const res = await fetch(`${servers.bun.url}/publish?topic=late`, { method: "POST", body: "from bun" });
    expect(await res.text()).toBe("0"); // no subscriber on bun itself
    for (const member of members) expect(await member.nextText()).toBe("from bun");
  }, 60_000);
});

describe.each(["redis", "relay"] as const)("a shared pub/sub through %s, joined before it connects", (name) => {
  let meeting: Meeting;
  beforeAll(async () => {
    meeting = await MEETINGS[name]();
  });
  afterAll(() => meeting?.stop());

  /** One instance's pub/sub as a server builds it: local delivery (here: noted down) over the transport. */
  function instance(delivered: string[]): SharedPubSub<string> {
    const local = new LocalPubSub<string>((subscribers, data) => {
      for (const peer of subscribers) delivered.push(`${peer} ${data}`);
    });
    return new SharedPubSub(local, openTransport({ url: meeting.url, prefix: CHANNEL }));
  }

  test("a topic joined before the transport connects is joined once it does, and one left meanwhile is not", async () => {
    const delivered: string[] = [];
    const early = instance(delivered);
    const other = instance([]);
    try {
      early.subscribe("peer", "kept");
      early.subscribe("peer", "dropped");
      early.unsubscribe("peer", "dropped");
      await Promise.all([early.start(), other.start()]);
      expect(await until(() => meeting.joined("kept"), (n) => n === 1)).toBe(1);
      expect(await meeting.joined("dropped")).toBe(0);
      other.publish("dropped", "no", undefined, undefined);
      other.publish("kept", "yes", undefined, undefined);
      expect(await until(() => Promise.resolve(delivered.length), (n) => n > 0)).toBe(1);
      expect(delivered).toEqual(["peer yes"]);
    } finally {
      await Promise.all([early.close(), other.close()]);
    }
  });

  test("subscribe/unsubscribe churn on 40 topics while commands are in flight: joined exactly the topics left subscribed", async () => {
    const delivered: string[] = [];
    const churned = instance(delivered);
    const other = instance([]);
    const next = random(7);
    try {
      await Promise.all([churned.start(), other.start()]);
      const on = new Set<string>();
      for (let step = 0; step < 400; step++) {
        const topic = `churn${Math.floor(next() * 40)}`;
        if (on.has(topic)) churned.unsubscribe("peer", topic);
        else churned.subscribe("peer", topic);
        if (!on.delete(topic)) on.add(topic);
        // Mostly in the same turn, sometimes a moment later: some answers come back between the commands.
        if (next() < 0.2) await new Promise((r) => setTimeout(r, Math.floor(next() * 3)));
      }
      const topics = Array.from({ length: 40 }, (_, i) => `churn${i}`);
      const counts = () => Promise.all(topics.map((t) => meeting.joined(t)));
      const want = topics.map((t) => (on.has(t) ? 1 : 0));
      expect(await until(counts, (n) => n.join() === want.join())).toEqual(want);
      for (const topic of topics) other.publish(topic, topic, undefined, undefined);
      const expected = topics.filter((t) => on.has(t)).map((t) => `peer ${t}`);
      await until(() => Promise.resolve(delivered.length), (n) => n >= expected.length);
      await new Promise((r) => setTimeout(r, 300)); // a message for a topic left would arrive now
      expect(delivered.sort()).toEqual(expected.sort());
    } finally {
      await Promise.all([churned.close(), other.close()]);
    }
  });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", ["bin/omniserve.js", ...args], { timeout: 30_000, env: { ...process.env, ...env } }, (error, _out, stderr) => {
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr });
    });
  });
}

describe.each(RUNTIMES)("pubsub start-up errors on %s", (runtime) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(["--requirepass", "right"]);
  });
  afterAll(() => redis?.stop());

  const serve = (url: string) => cli(["serve", FIXTURE, "--runtime", runtime, "--port", "0"], { OMNISERVE_PUBSUB: url });

  test("a malformed URL, a refused connection and a wrong password each give one line and exit 1", async () => {
    const cases: [string, RegExp][] = [
      ["not a url", /pubsub URL "not a url" is not a URL .*\[ERR_PUBSUB\]$/],
      ["http://127.0.0.1:1", /must start with redis:\/\/ .*\[ERR_PUBSUB\]$/],
      ["redis://127.0.0.1:1", /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED.*\[ERR_PUBSUB\]$/],
      [`redis://:wrong@127.0.0.1:${redis.port}`, /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*WRONGPASS.*\[ERR_PUBSUB\]$/],
    ];
    for (const [url, message] of cases) {
      const { code, stderr } = await serve(url);
      const lines = stderr.trim().split("\n");
      expect([code, lines.length], `${url}: ${stderr}`).toEqual([1, 1]);
      expect(lines[0]).toMatch(message);
    }
  }, 60_000);
});
