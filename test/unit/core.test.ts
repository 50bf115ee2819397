/**
 * Unit tests for the runtime-agnostic core in src/.
 */
import { describe, expect, test, vi } from "vitest";
import { OmniserveError, hasCode } from "../../src/_errors.ts";
import { Handlers, invoke } from "../../src/_handler.ts";
import { plainIp } from "../../src/_ip.ts";
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
      const cases = [
        () => {
          throw new Error("sync");
        },
        () => Promise.reject(new Error("async")),
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
      expect(entries[0][1]).toMatch(/^ {4}at .*test\/unit\/core\.test\.ts:76:\d+\)?$/);
      expect(entries[1][1]).toMatch(/^ {4}at .*test\/unit\/core\.test\.ts:78:\d+\)?$/);
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
