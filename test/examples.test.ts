/**
 * The examples start the same way on every runtime and answer the same.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type SpawnedServer } from "../dist/cli/spawn.js";
import type { Runtime } from "../src/types.ts";
import { applies } from "./support/exceptions.ts";

describe.each(["node", "deno", "bun"] as Runtime[])("examples/hono on %s", (runtime) => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await startServer("examples/hono/app.ts", runtime, { port: 0, hostname: "127.0.0.1" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("examples/hono serves text, JSON, params and a JSON echo", async () => {
    const home = await fetch(`${server.url}/`);
    // Bun spells it charset=utf-8: named exception bunCharsetLowercase (test/support/exceptions.ts).
    const bunSpelling = applies("bunCharsetLowercase", runtime);
    expect(home.headers.get("content-type")).toBe(bunSpelling ? "text/plain;charset=utf-8" : "text/plain;charset=UTF-8");
    expect(await home.text()).toBe(`Hello from omniserve on ${runtime}!`);
    expect(await (await fetch(`${server.url}/json`)).json()).toEqual({ hello: "world", runtime });
    expect(await (await fetch(`${server.url}/users/42`)).json()).toEqual({ id: "42" });
    const echo = await fetch(`${server.url}/echo`, { method: "POST", body: JSON.stringify({ a: [1, "é"] }) });
    expect(await echo.json()).toEqual({ a: [1, "é"] });
    expect((await fetch(`${server.url}/missing`)).status).toBe(404);
  });
});
