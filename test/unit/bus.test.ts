/**
 * The workers' relay (transports/bus.ts, _bus-frames.ts): the batched frame
 * codec read back from randomly split streams, and a real relay on a Unix
 * socket that keeps each publisher's order through batches under load while
 * cutting off a worker that stops reading. Node only: the relay runs in the
 * supervisor; test/workers.test.ts and test/pubsub.test.ts run the transport
 * in workers on node, deno and bun.
 */
import { Buffer } from "node:buffer";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { PubSubStats } from "../../src/types.ts";
import { FrameBatch, FrameReader, JOIN, LEAVE, MESSAGE } from "../../transports/_bus-frames.ts";
import { BusRelay, BusTransport } from "../../transports/bus.ts";
import { prng } from "../support/prng.ts";

const TOPICS = ["room", "room", "room", "", "é-🙂", "x".repeat(300), "news"];

describe("FrameBatch and FrameReader", () => {
  test("3,000 random frames, taken in batches and split at random points, read back the same", () => {
    const rnd = prng(0x62757321);
    const int = (n: number) => Math.floor(rnd() * n);
    const sent: { kind: number; topic: string; payload: Buffer }[] = [];
    const batches: Buffer[] = [];
    const batch = new FrameBatch();
    for (let i = 0; i < 3000; i++) {
      const kind = [JOIN, LEAVE, MESSAGE, MESSAGE][int(4)];
      const topic = TOPICS[int(TOPICS.length)];
      let payload: string | Uint8Array | undefined;
      if (kind === MESSAGE) {
        const size = [0, 1, 30, 200, 70_000][int(5)];
        payload = int(2) ? "aé🙂z".repeat(size).slice(0, size) : Uint8Array.from({ length: size }, () => int(256));
      }
      batch.add(kind, topic, payload);
      sent.push({ kind, topic, payload: payload === undefined ? Buffer.alloc(0) : Buffer.from(payload as string) });
      if (int(50) === 0) batches.push(batch.take());
    }
    if (!batch.empty) batches.push(batch.take());
    const stream = Buffer.concat(batches);

    const got: typeof sent = [];
    const reader = new FrameReader((kind, topic, bytes, start, payload, end) => {
      expect(bytes.readUInt32BE(start)).toBe(end - start - 4);
      got.push({ kind, topic, payload: Buffer.from(bytes.subarray(payload, end)) });
    });
    for (let off = 0; off < stream.length;) {
      const size = [1, 2, 3, 5, 100, 5000, 100_000][int(7)];
      reader.push(stream.subarray(off, off + size));
      off += size;
    }
    expect(got.length).toBe(sent.length);
    for (let i = 0; i < sent.length; i++) {
      expect([got[i].kind, got[i].topic], `frame ${i}`).toEqual([sent[i].kind, sent[i].topic]);
      expect(got[i].payload.equals(sent[i].payload), `frame ${i} payload`).toBe(true);
    }
  });
});

const stats = (): PubSubStats => ({ connected: false, published: 0, delivered: 0, dropped: 0, malformed: 0, reconnects: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A relay that queues at most 1 MiB for a worker, and two workers' transports (not started). */
async function relayWithTwo(): Promise<{ path: string; relay: BusRelay; a: BusTransport; b: BusTransport }> {
  const path = join(mkdtempSync(join(tmpdir(), "omniserve-bus-")), "bus.sock");
  const relay = await BusRelay.listen(path, { maxQueued: 1024 * 1024 });
  return { path, relay, a: new BusTransport(path), b: new BusTransport(path) };
}

describe("BusRelay", () => {
  test("30,000 messages in bursts reach the other worker once each, in order, while a worker that stops reading is cut off", async () => {
    const { path, relay, a, b } = await relayWithTwo();
    const received: string[] = [];
    await a.start(() => {}, stats(), new Set());
    await b.start((topic, message) => received.push(`${topic} ${Buffer.from(message).toString()}`), stats(), new Set(["room"]));
    // A third worker joins and never reads what it is sent.
    const stalled = net.connect(path);
    await new Promise((resolve) => stalled.once("connect", resolve));
    const joinFrame = new FrameBatch();
    joinFrame.add(JOIN, "room");
    stalled.write(joinFrame.take());
    stalled.pause();
    try {
      while (relay.members("room") < 2) await sleep(10); // b and the stalled worker
      const body = "m".repeat(100);
      for (let burst = 0; burst < 30; burst++) {
        for (let i = 0; i < 1000; i++) {
          const n = burst * 1000 + i;
          a.send("room", n % 2 ? `${n} ${body}` : Buffer.from(`${n} ${body}`));
        }
        await sleep(1); // the next burst in a later turn of the loop
      }
      const deadline = Date.now() + 20_000;
      while (received.length < 30_000 && Date.now() < deadline) await sleep(20);
      await sleep(200); // a duplicate would arrive now
      expect(received.length).toBe(30_000);
      for (let n = 0; n < 30_000; n++) if (received[n] !== `room ${n} ${body}`) expect(received[n], `message ${n}`).toBe(`room ${n} ${body}`);
      // The relay cut the stalled worker off (it left the room); b, which kept reading, was not.
      expect(relay.members("room")).toBe(1);
    } finally {
      stalled.destroy();
      await Promise.all([a.close(), b.close()]);
      await relay.close();
    }
  }, 60_000);

  test("a worker the relay cut off (more queued for it than the bound) connects again and gets the room's messages", async () => {
    const { relay, a, b } = await relayWithTwo();
    const received: string[] = [];
    const bStats = stats();
    await a.start(() => {}, stats(), new Set());
    await b.start((topic, message) => received.push(`${topic} ${message.byteLength}`), bStats, new Set(["room"]));
    try {
      while (relay.members("room") < 1) await sleep(10);
      a.send("room", "x".repeat(2 * 1024 * 1024)); // more than the relay queues for one worker: b is cut off
      const deadline = Date.now() + 10_000;
      while (bStats.reconnects < 1 && Date.now() < deadline) await sleep(20);
      expect(bStats).toMatchObject({ connected: true, reconnects: 1 });
      while (relay.members("room") < 1 && Date.now() < deadline) await sleep(10);
      a.send("room", "after");
      while (received.length < 1 && Date.now() < deadline) await sleep(20);
      expect(received).toEqual(["room 5"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await relay.close();
    }
  }, 30_000);
});
