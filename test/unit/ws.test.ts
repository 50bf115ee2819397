/**
 * Unit tests of the runtime-agnostic WebSocket core in src/ws/: the frame
 * parser fed byte by byte, frame encoding, the topic index, and a type-level
 * check that a peer has every public member of crossws's Peer.
 */
import type { Message as CrosswsMessage, Peer as CrosswsPeer } from "crossws";
import { describe, expect, test } from "vitest";
import { encodeClose, encodeFrame, encodeMessage, wireLength } from "../../src/ws/_frame.ts";
import type { WsMessage } from "../../src/ws/_message.ts";
import { FrameParser, type ParserEvents } from "../../src/ws/_parser.ts";
import type { PeerBase } from "../../src/ws/_peer.ts";
import { TopicIndex } from "../../src/ws/_topics.ts";
import { deflate, inflate, negotiateDeflate } from "../../adapters/node/_ws-deflate.ts";
import { prng } from "../support/prng.ts";
import { closePayload, frame, OP } from "../support/ws-client.ts";

// A peer offers every public member of crossws's Peer, and a message every member of its Message.
type Public<T> = Pick<T, Extract<keyof T, string>>;
const _peerShape = (p: PeerBase): Public<CrosswsPeer> => p;
const _messageShape = (m: WsMessage): Public<CrosswsMessage> => m;
void _peerShape;
void _messageShape;

function parse(bytes: Buffer, max = 1024, chunk = 1): string[] {
  const seen: string[] = [];
  const events: ParserEvents = {
    message: (d) => seen.push(typeof d === "string" ? `text:${d}` : `binary:${[...d].join(",")}`),
    ping: (d) => seen.push(`ping:${Buffer.from(d).toString()}`),
    pong: (d) => seen.push(`pong:${Buffer.from(d).toString()}`),
    close: (code, reason) => seen.push(`close:${code}:${reason}`),
    fail: (code, reason) => seen.push(`fail:${code}:${reason}`),
  };
  const parser = new FrameParser(max, events);
  for (let i = 0; i < bytes.length; i += chunk) parser.push(new Uint8Array(bytes.subarray(i, i + chunk)));
  return seen;
}

describe("FrameParser", () => {
  test("FrameParser() reads frames split at every byte", () => {
    const bytes = Buffer.concat([
      frame(OP.text, "héllo"),
      frame(OP.binary, new Uint8Array([1, 2, 3])),
      frame(OP.ping, "p"),
      frame(OP.text, "a", { fin: false }),
      frame(OP.pong, "q"),
      frame(OP.cont, "b"),
      frame(OP.close, closePayload(4000, "done")),
      frame(OP.text, "after close is ignored"),
    ]);
    const expected = ["text:héllo", "binary:1,2,3", "ping:p", "pong:q", "text:ab", "close:4000:done"];
    expect(parse(bytes, 1024, 1)).toEqual(expected);
    expect(parse(bytes, 1024, 7)).toEqual(expected);
    expect(parse(bytes, 1024, bytes.length)).toEqual(expected);
  });

  test("FrameParser() reads 16-bit and 64-bit lengths", () => {
    const mid = "x".repeat(300);
    const big = "y".repeat(70_000);
    expect(parse(Buffer.concat([frame(OP.text, mid), frame(OP.text, big)]), 100_000, 4096))
      .toEqual([`text:${mid}`, `text:${big}`]);
  });

  test("FrameParser() reports each protocol violation with its close code", () => {
    expect(parse(frame(OP.text, "x", { mask: false }))).toEqual(["fail:1002:client frame not masked"]);
    expect(parse(frame(OP.text, "x", { rsv: 4 }))).toEqual(["fail:1002:reserved bits set"]);
    expect(parse(frame(3, "x"))).toEqual(["fail:1002:unknown opcode"]);
    expect(parse(frame(OP.ping, "x", { fin: false }))).toEqual(["fail:1002:fragmented control frame"]);
    expect(parse(frame(OP.ping, "x".repeat(126)))).toEqual(["fail:1002:control frame too long"]);
    expect(parse(frame(OP.cont, "x"))).toEqual(["fail:1002:continuation without a start"]);
    expect(parse(Buffer.concat([frame(OP.text, "a", { fin: false }), frame(OP.text, "b")])))
      .toEqual(["fail:1002:new message inside a fragmented one"]);
    expect(parse(frame(OP.text, Buffer.from([0xc3, 0x28])))).toEqual(["fail:1007:invalid UTF-8 in a text message"]);
    expect(parse(frame(OP.close, closePayload(1005)))).toEqual(["fail:1002:invalid close code"]);
    expect(parse(frame(OP.close, Buffer.from([3])))).toEqual(["fail:1002:invalid close code"]);
    expect(parse(frame(OP.close, ""))).toEqual(["close:1005:"]);
  });

  test("FrameParser() closes with 1009 past maxPayloadLength, counting every fragment", () => {
    expect(parse(frame(OP.binary, new Uint8Array(11)), 10)).toEqual(["fail:1009:message too big"]);
    expect(parse(frame(OP.binary, new Uint8Array(10)), 10)).toHaveLength(1);
    const split = Buffer.concat([frame(OP.text, "x".repeat(6), { fin: false }), frame(OP.cont, "x".repeat(6))]);
    expect(parse(split, 10)).toEqual(["fail:1009:message too big"]);
  });
});

describe("encodeFrame", () => {
  test("encodeFrame() picks the 7, 16 and 64-bit length forms", () => {
    expect([...encodeFrame(OP.text, new Uint8Array(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    expect([...encodeFrame(OP.binary, new Uint8Array(126)).subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
    const big = encodeFrame(OP.binary, new Uint8Array(65536));
    expect([...big.subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(big.length).toBe(65546);
  });

  test("encodeMessage() keeps text as text, bytes as binary, objects as JSON text", () => {
    expect(encodeMessage("hi")[0]).toBe(0x81);
    expect(encodeMessage(new Uint8Array([1]))[0]).toBe(0x82);
    expect(encodeMessage(new ArrayBuffer(1))[0]).toBe(0x82);
    expect(Buffer.from(encodeMessage({ a: 1 }).subarray(2)).toString()).toBe('{"a":1}');
  });

  test("wireLength() is the UTF-8 length TextEncoder gives, lone surrogates and pairs included", () => {
    const rnd = prng(0x77697265);
    const units = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xe9, 0xfffd, 0xd83d, 0xde42, 0xdbff, 0xdc00, 0xffff];
    const encoder = new TextEncoder();
    for (let i = 0; i < 2000; i++) {
      const text = String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 12) }, () => units[Math.floor(rnd() * units.length)]));
      expect(wireLength(text), JSON.stringify(text)).toBe(encoder.encode(text).length);
    }
    expect(wireLength(new Uint8Array(9))).toBe(9);
  });

  test("encodeClose() cuts the reason to fit a control frame, at a character", () => {
    const close = encodeClose(4000, "é".repeat(100));
    expect(close[1]).toBe(2 + 122);
    expect(new TextDecoder("utf-8", { fatal: true }).decode(close.subarray(4))).toBe("é".repeat(61));
    expect(encodeClose(4000, "x".repeat(200))[1]).toBe(125);
    expect(encodeClose(undefined).length).toBe(2);
  });
});

describe("permessage-deflate on Node", () => {
  test("negotiateDeflate() accepts the first valid offer without context takeover", () => {
    expect(negotiateDeflate("permessage-deflate; client_max_window_bits")?.header)
      .toBe("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    expect(negotiateDeflate("permessage-deflate; server_max_window_bits=10")).toMatchObject({ windowBits: 10 });
    expect(negotiateDeflate("permessage-deflate; bogus, permessage-deflate")?.windowBits).toBe(15);
    expect(negotiateDeflate("permessage-deflate; server_max_window_bits=8")).toBeUndefined();
    expect(negotiateDeflate("x-webkit-deflate-frame")).toBeUndefined();
    expect(negotiateDeflate(undefined)).toBeUndefined();
  });

  const inflated = (data: Uint8Array, max: number) =>
    new Promise<Uint8Array | number>((resolve) => inflate(data, max, resolve));
  const deflated = (data: Uint8Array) =>
    new Promise<Uint8Array>((resolve) => deflate(data, 15, (packed) => resolve(packed!)));
  const text = (bytes: Uint8Array | number) => (typeof bytes === "number" ? bytes : Buffer.from(bytes).toString());

  test("inflate() undoes deflate() and stops at the size limit, small and large", async () => {
    // 3 KB runs on the loop; 300 KB (over the 4 KiB / 16 KiB sync bounds) in the thread pool.
    for (const size of [1000, 100_000]) {
      const data = new TextEncoder().encode("abc".repeat(size));
      const packed = await deflated(data);
      expect(text(await inflated(packed, data.length))).toBe("abc".repeat(size));
      expect(await inflated(packed, data.length - 1)).toBe(1009);
    }
    expect(await inflated(new Uint8Array([1, 2, 3, 4, 5]), 100)).toBe(1007);
    // A bomb: 16 MiB of zeros in about 16 KiB; refused at 1 MiB.
    const bomb = await deflated(new Uint8Array(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(20_000);
    expect(await inflated(bomb, 1024 * 1024)).toBe(1009);
  });

  test("deflate() finishes small messages before it returns, large ones later", () => {
    let small: Uint8Array | undefined;
    deflate(new Uint8Array(4096), 15, (packed) => (small = packed));
    expect(small).toBeInstanceOf(Uint8Array);
    let large: Uint8Array | undefined;
    deflate(new Uint8Array(4097), 15, (packed) => (large = packed));
    expect(large).toBeUndefined();
  });

  /** Feed `bytes` in one push; resolve with every event once the parser has taken all of it. */
  function parseAsync(bytes: Buffer, max = 1 << 20): Promise<{ seen: string[]; paused: boolean; resumed: number }> {
    return new Promise((resolve) => {
      const seen: string[] = [];
      let paused = false;
      let resumed = 0;
      const end = () => setImmediate(() => resolve({ seen, paused, resumed }));
      const parser = new FrameParser(max, {
        message: (d) => seen.push(typeof d === "string" ? `text:${d.length > 20 ? d.length : d}` : `binary:${d.length}`),
        ping: (d) => seen.push(`ping:${Buffer.from(d).toString()}`),
        pong() {},
        close: (code) => (seen.push(`close:${code}`), end()),
        fail: (code) => (seen.push(`fail:${code}`), end()),
        resume: () => resumed++,
      }, inflate);
      paused = !parser.push(bytes);
    });
  }

  test("FrameParser() inflates RSV1 messages, fragmented too", async () => {
    const packed = await deflated(new TextEncoder().encode("hello hello hello"));
    const { seen } = await parseAsync(Buffer.concat([
      frame(OP.text, packed, { rsv: 4 }),
      frame(OP.text, packed.subarray(0, 5), { rsv: 4, fin: false }),
      frame(OP.cont, packed.subarray(5)),
      frame(OP.cont, "x", { rsv: 4 }),
    ]));
    expect(seen).toEqual(["text:hello hello hello", "text:hello hello hello", "fail:1002"]);
  });

  test("FrameParser() keeps order behind a message inflating off the loop", async () => {
    const big = await deflated(new TextEncoder().encode("y".repeat(200_000)));
    const { seen, paused, resumed } = await parseAsync(Buffer.concat([
      frame(OP.text, "first"),
      frame(OP.text, big, { rsv: 4 }),
      frame(OP.ping, "p"),
      frame(OP.text, "after"),
      frame(OP.binary, big, { rsv: 4 }),
      frame(OP.close, closePayload(1000)),
    ]));
    // Paused once, resumed once: after the first inflate the parser went straight on to the second.
    expect([paused, resumed]).toEqual([true, 1]);
    expect(seen).toEqual(["text:first", "text:200000", "ping:p", "text:after", "binary:200000", "close:1000"]);
  });

  test("FrameParser() goes on with the bytes behind an inflate when the message came in pieces", async () => {
    const big = frame(OP.text, await deflated(new TextEncoder().encode("z".repeat(200_000))), { rsv: 4 });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const parser = new FrameParser(1 << 20, {
        message: (d) => seen.push(`text:${d.length}`),
        ping: (d) => (seen.push(`ping:${Buffer.from(d).toString()}`), resolve()),
        pong() {},
        close() {},
        fail: (code) => seen.push(`fail:${code}`),
      }, inflate);
      // The first piece leaves the parser waiting for the whole frame; the second ends it and carries a ping.
      parser.push(big.subarray(0, 10));
      parser.push(Buffer.concat([big.subarray(10), frame(OP.ping, "p")]));
    });
    await done;
    expect(seen).toEqual(["text:200000", "ping:p"]);
  });

  test("FrameParser() closes with 1009 for a compressed message that inflates past the limit", async () => {
    const bomb = await deflated(new Uint8Array(8 * 1024 * 1024));
    expect((await parseAsync(frame(OP.binary, bomb, { rsv: 4 }), 1024 * 1024)).seen).toEqual(["fail:1009"]);
    expect((await parseAsync(frame(OP.binary, new Uint8Array([9, 9, 9]), { rsv: 4 }))).seen).toEqual(["fail:1007"]);
  });
});

describe("TopicIndex", () => {
  test("TopicIndex counts subscribers and forgets empty topics", () => {
    const index = new TopicIndex<string>();
    index.add("t", "a");
    index.add("t", "b");
    index.add("t", "a");
    expect(index.count("t")).toBe(2);
    index.delete("t", "a");
    index.delete("t", "b");
    expect(index.count("t")).toBe(0);
    expect(index.get("t")).toBeUndefined();
  });
});
