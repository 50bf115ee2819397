/**
 * compress() and serveStatic() check their options when they are called, at
 * start-up, with an OmniserveError a user can act on; the MIME database is
 * not loaded by importing omniserve.
 */
import { describe, expect, test } from "vitest";
import { compress, serveStatic } from "../../adapters/node/index.ts";
import { mimeLoaded } from "../../src/_mime.ts";
import type { Encoding } from "../../src/types.ts";

const ok = () => new Response("ok");

describe("options", () => {
  test("importing omniserve does not load the MIME database", () => {
    expect(mimeLoaded()).toBe(false);
  });

  test("compress() refuses unknown codings and a bad threshold with ERR_BAD_ARGUMENT", () => {
    expect(() => compress(ok, { encodings: ["deflate" as Encoding] })).toThrow(expect.objectContaining({ code: "ERR_BAD_ARGUMENT" }));
    expect(() => compress(ok, { threshold: -1 })).toThrow(/threshold must be a number of bytes/);
    expect(() => compress(ok, { threshold: Number.NaN })).toThrow(/threshold/);
    expect(typeof compress(ok, { encodings: ["gzip"], threshold: 0 })).toBe("function");
  });

  test("serveStatic() refuses a missing root with ERR_STATIC_ROOT and bad options with ERR_BAD_ARGUMENT", () => {
    expect(() => serveStatic({ root: "/no/such/folder" })).toThrow(expect.objectContaining({ code: "ERR_STATIC_ROOT" }));
    expect(() => serveStatic({ root: "package.json" })).toThrow(/is not a folder/);
    expect(() => serveStatic({ root: "" })).toThrow(expect.objectContaining({ code: "ERR_BAD_ARGUMENT" }));
    expect(() => serveStatic({ root: ".", index: "a/b.html" })).toThrow(/index must be a file name/);
    expect(() => serveStatic({ root: ".", maxAge: 1.5 })).toThrow(/maxAge/);
    expect(() => serveStatic({ root: ".", dotfiles: "maybe" as "deny" })).toThrow(/dotfiles/);
    expect(() => serveStatic({ root: ".", precompressed: ["deflate" as Encoding] })).toThrow(/precompressed/);
  });

  test("serveStatic() and compress() answer their first requests while the MIME database loads", async () => {
    const files = compress(serveStatic({ root: "test/fixture/static" }));
    const response = await files(new Request("http://x.test/text.txt", { headers: { "accept-encoding": "gzip" } }));
    expect([response.status, response.headers.get("content-type"), response.headers.get("content-encoding")]).toEqual([
      200,
      "text/plain; charset=utf-8",
      "gzip",
    ]);
    await response.arrayBuffer();
  });
});
