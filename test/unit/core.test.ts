/**
 * Unit tests for the runtime-agnostic core in src/.
 */
import { describe, expect, test, vi } from "vitest";
import { concatBytes } from "../../src/_bytes.ts";
import { OmniserveError, hasCode } from "../../src/_errors.ts";
import { nativeResponses } from "../../src/_foreign.ts";
import { Handlers, invoke } from "../../src/_handler.ts";
import { plainIp } from "../../src/_ip.ts";
import { BodyLimit, declaredTooLarge } from "../../src/_limit.ts";
import { formatUrl, resolveOptions } from "../../src/_options.ts";
import type { ServerContext } from "../../src/types.ts";

const ctx = {} as ServerContext;
const req = new Request("http://x.test/path");

describe("plainIp()", () => {
  test("plainIp() shows IPv4-mapped IPv6 as IPv4 and leaves real IPv6 alone", () => {
    expect(plainIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(plainIp("::1")).toBe("::1");
    expect(plainIp("::ffff:abcd")).toBe("::ffff:abcd");
    expect(plainIp(undefined)).toBe("");
  });
});

describe("concatBytes()", () => {
  test("concatBytes() joins chunks in order, counts them when no length is given, and returns a lone chunk as is", () => {
    const a = new Uint8Array([1, 2]);
    const b = new Uint8Array([3, 4, 5]).subarray(1);
    expect([...concatBytes([a, b])]).toEqual([1, 2, 4, 5]);
    expect([...concatBytes([a, b], 4)]).toEqual([1, 2, 4, 5]);
    expect(concatBytes([b])).toBe(b);
    expect(concatBytes([]).byteLength).toBe(0);
  });
});

describe("resolveOptions()", () => {
  test("resolveOptions() fills Bun's defaults", () => {
    expect(resolveOptions({ fetch: () => new Response(), port: 0 })).toEqual({
      port: 0,
      hostname: "127.0.0.1",
      maxRequestBodySize: 128 * 1024 * 1024,
      idleTimeout: 10,
      pubsub: undefined,
      reusePort: false,
      worker: 0,
      tls: undefined,
      http2: true,
    });
  });

  test("resolveOptions() takes pubsub as a URL or an object, with the default prefix", () => {
    const fetch = () => new Response();
    expect(resolveOptions({ fetch, pubsub: "redis://h:1" }).pubsub).toEqual({ url: "redis://h:1", prefix: "omniserve:app:" });
    expect(resolveOptions({ fetch, pubsub: { url: "redis://h:1", prefix: "p:" } }).pubsub).toEqual({ url: "redis://h:1", prefix: "p:" });
    expect(() => resolveOptions({ fetch, pubsub: { url: "" } })).toThrow(expect.objectContaining({ code: "ERR_BAD_ARGUMENT" }));
  });

  test("resolveOptions() rejects a missing fetch and a bad port with stable codes", () => {
    expect(() => resolveOptions({} as never)).toThrow(expect.objectContaining({ code: "ERR_NO_FETCH" }));
    expect(() => resolveOptions({ fetch: () => new Response(), port: 70000 })).toThrow(
      expect.objectContaining({ code: "ERR_BAD_ARGUMENT" }),
    );
  });

  test("formatUrl() brackets IPv6 hosts", () => {
    expect(formatUrl("http", "::1", 80)).toBe("http://[::1]:80/");
    expect(formatUrl("https", "127.0.0.1", 443)).toBe("https://127.0.0.1:443/");
  });
});

describe("OmniserveError", () => {
  test("OmniserveError instanceof works across copies through its brand", () => {
    const foreign = Object.assign(new Error("x"), { __omniserveError: true, code: "ERR_LISTEN" });
    expect(foreign instanceof OmniserveError).toBe(true);
    expect(hasCode(foreign, "ERR_LISTEN")).toBe(true);
    expect(new Error("x") instanceof OmniserveError).toBe(false);
  });
});

describe("invoke()", () => {
  test("invoke() keeps a sync Response sync", () => {
    const res = new Response("ok");
    expect(invoke(new Handlers({ fetch: () => res }), req, ctx)).toBe(res);
  });

  test("invoke() turns throws, rejections and non-Responses into a plain 500, logged once each with the app's frames", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const syncLine = new Error().stack!.split("\n")[1].match(/:(\d+):\d+\)?$/)![1];
      const cases = [
        () => {
          throw new Error("sync"); // syncLine + 3
        },
        () => Promise.reject(new Error("async")), // syncLine + 5
        () => "text" as unknown as Response,
        () => Promise.resolve(undefined as unknown as Response),
      ];
      for (const fetch of cases) {
        const res = await invoke(new Handlers({ fetch }), req, ctx);
        expect(res.status).toBe(500);
        expect(await res.text()).toBe("Internal Server Error");
      }
      expect(log).toHaveBeenCalledTimes(4);
      const entries = log.mock.calls.map((c) => String(c[0]).split("\n"));
      expect(entries.map((lines) => lines[0])).toEqual([
        "omniserve: GET /path: Error sync",
        "omniserve: GET /path: Error async",
        "omniserve: GET /path: ERR_INVALID_RESPONSE handler returned string, not a Response",
        "omniserve: GET /path: ERR_INVALID_RESPONSE handler returned undefined, not a Response",
      ]);
      // The app's own frames follow its error (here the app is this file); omniserve's errors stay one line.
      const at = (line: number) => new RegExp(`^ {4}at .*test/unit/core\\.test\\.ts:${line}:\\d+\\)?$`);
      expect(entries[0][1]).toMatch(at(Number(syncLine) + 3));
      expect(entries[1][1]).toMatch(at(Number(syncLine) + 5));
      expect(entries[2]).toHaveLength(1);
      expect(entries[3]).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
  });

  test("invoke() gives errors to the error hook, and a broken hook gives a plain 500", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const ok = await invoke(new Handlers({
        fetch: () => {
          throw new Error("boom");
        },
        error: (e) => new Response(`hook ${(e as Error).message}`, { status: 503 }),
      }), req, ctx);
      expect([ok.status, await ok.text()]).toEqual([503, "hook boom"]);
      const broken = await invoke(new Handlers({
        fetch: () => {
          throw new Error("boom");
        },
        error: () => {
          throw new Error("hook broke");
        },
      }), req, ctx);
      expect(broken.status).toBe(500);
      expect(log).toHaveBeenCalledTimes(1);
      const wrong = await invoke(new Handlers({
        fetch: () => {
          throw new Error("boom");
        },
        error: () => "not a response" as unknown as Response,
      }), req, ctx);
      expect(wrong.status).toBe(500);
      expect(String(log.mock.calls[1][0]).split("\n")[0]).toBe("omniserve: GET /path: ERR_INVALID_RESPONSE error hook returned string, not a Response");
    } finally {
      log.mockRestore();
    }
  });

  test("invoke() answers 413 for a body over the limit, whatever the hook says", async () => {
    const res = await invoke(new Handlers({
      fetch: () => {
        throw new OmniserveError("ERR_BODY_TOO_LARGE", "too big");
      },
      error: () => new Response("hook"),
    }), req, ctx);
    expect(res.status).toBe(413);
  });
});

describe("nativeResponses()", () => {
  const NativeResponse = globalThis.Response;
  /** A light Response as srvx and @hono/node-server write one: its own fields, Response.prototype in its chain. */
  class Light {
    readonly #body: string;
    constructor(body: string) {
      this.#body = body;
    }
    get status(): number {
      return 201;
    }
    get statusText(): string {
      return "Made";
    }
    get headers(): Headers {
      return new Headers({ "x-light": "1" });
    }
    get body(): ReadableStream<Uint8Array> | null {
      return new NativeResponse(this.#body).body;
    }
  }
  Object.setPrototypeOf(Light.prototype, NativeResponse.prototype);

  test("nativeResponses() passes the runtime's Responses and their subclasses through untouched", () => {
    const toNative = nativeResponses(NativeResponse);
    class Mine extends NativeResponse {}
    for (const response of [new NativeResponse("a"), NativeResponse.json({}), new Mine("b")]) {
      expect(toNative(response)).toBe(response);
    }
  });

  test("nativeResponses() rebuilds another library's Response-like with its status, headers and body", async () => {
    const light = new Light("light body") as unknown as Response;
    expect(light instanceof NativeResponse).toBe(true);
    const native = nativeResponses(NativeResponse)(light);
    expect(native).not.toBe(light);
    expect(Object.getPrototypeOf(native)).toBe(NativeResponse.prototype);
    expect([native.status, native.statusText, native.headers.get("x-light"), await native.text()])
      .toEqual([201, "Made", "1", "light body"]);
  });

  test("nativeResponses() unwraps srvx's native Response, and throws ERR_INVALID_RESPONSE for an unreadable one", () => {
    const inner = new NativeResponse("inner");
    const srvxLike = Object.assign(Object.create(Light.prototype), { _response: inner }) as Response;
    expect(nativeResponses(NativeResponse)(srvxLike)).toBe(inner);
    const unreadable = Object.create(Light.prototype) as Response;
    expect(() => nativeResponses(NativeResponse)(unreadable)).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_RESPONSE", message: expect.stringMatching(/^handler returned a Response-like Light/) }),
    );
  });
});

describe("BodyLimit", () => {
  test("declaredTooLarge() refuses only a Content-Length over the limit", () => {
    expect(declaredTooLarge("11", 10)).toBe(true);
    expect(declaredTooLarge("10", 10)).toBe(false);
    expect(declaredTooLarge(null, 10)).toBe(false);
    expect(declaredTooLarge(undefined, 10)).toBe(false);
  });

  test("BodyLimit.count() fails the byte past the limit, and settle() then answers 413", async () => {
    const limit = new BodyLimit(10);
    const ok = new Response("ok");
    expect(limit.count(6)).toBeUndefined();
    expect(limit.count(4)).toBeUndefined();
    expect(limit.settle(ok)).toBe(ok);
    expect(limit.count(1)).toEqual(expect.objectContaining({ code: "ERR_BODY_TOO_LARGE" }));
    const answer = limit.settle(ok);
    expect([answer.status, answer.headers.get("connection"), await answer.text()]).toEqual([413, "close", "Payload Too Large"]);
  });

  test("BodyLimit.stream() passes bytes up to the limit and errors past it", async () => {
    const source = (sizes: number[]) => new ReadableStream<Uint8Array>({
      start(controller) {
        for (const size of sizes) controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    });
    const fits = new BodyLimit(10);
    expect((await new Response(fits.stream(source([4, 6]))).arrayBuffer()).byteLength).toBe(10);
    expect(fits.over).toBe(false);
    const over = new BodyLimit(10);
    await expect(new Response(over.stream(source([4, 6, 1]))).arrayBuffer()).rejects.toThrow(/maxRequestBodySize/);
    expect(over.over).toBe(true);
  });
});
