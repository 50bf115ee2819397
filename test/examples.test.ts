/**
 * The examples start the same way on every runtime and answer the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../src/types.ts";
import { applies } from "./support/exceptions.ts";
import { served } from "./support/served.ts";

describe.each(["node", "deno", "bun"] as Runtime[])("examples/hono on %s", (runtime) => {
  const server = served("examples/hono/app.ts", runtime);

  test("examples/hono serves text, JSON, params and a JSON echo", async () => {
    const home = await fetch(`${server().url}/`);
    // Bun spells it charset=utf-8: named exception bunCharsetLowercase (test/support/exceptions.ts).
    const bunSpelling = applies("bunCharsetLowercase", runtime);
    expect(home.headers.get("content-type")).toBe(bunSpelling ? "text/plain;charset=utf-8" : "text/plain;charset=UTF-8");
    expect(await home.text()).toBe(`Hello from omniserve on ${runtime}!`);
    expect(await (await fetch(`${server().url}/json`)).json()).toEqual({ hello: "world", runtime });
    expect(await (await fetch(`${server().url}/users/42`)).json()).toEqual({ id: "42" });
    const echo = await fetch(`${server().url}/echo`, { method: "POST", body: JSON.stringify({ a: [1, "é"] }) });
    expect(await echo.json()).toEqual({ a: [1, "é"] });
    expect((await fetch(`${server().url}/missing`)).status).toBe(404);
  });
});

test("examples import omniserve by its name, never its sources, so a user can copy one out", () => {
  const files = readdirSync("examples", { recursive: true, encoding: "utf8" }).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  expect(files.length).toBeGreaterThan(2);
  for (const file of files) {
    const specifiers = [...readFileSync(join("examples", file), "utf8").matchAll(/\bfrom\s*"([^"]+)"/g)].map((m) => m[1]);
    // Relative imports stay inside the example's own folder.
    for (const specifier of specifiers) expect(specifier, file).not.toMatch(/^\.\.\//);
  }
});
