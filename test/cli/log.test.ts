/**
 * `omniserve serve --log` on node, deno and bun: one line per request,
 * `GET /path 200 1.2ms`, written the same way on every runtime; nothing
 * without it; one JSON object per request with `--log-format json`; with
 * `--workers` each request once; `reload()` keeps the log.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { type RunningCli, serveCli } from "../support/cli.ts";

/** The line of the fixture's `throw new Error("thrown on purpose")`, which the logged stack must name. */
const THROW_LINE = readFileSync("test/fixture/http-app.ts", "utf8").split("\n")
  .findIndex((line) => line.includes('throw new Error("thrown on purpose")')) + 1;

const APP = "test/fixture/http-app.ts";

async function withServer(args: string[], use: (server: RunningCli) => Promise<void>): Promise<void> {
  const server = await serveCli(["serve", ...args, "--port", "0"]);
  try {
    await use(server);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

/** The request lines logged so far. */
const requestLines = (server: RunningCli) => server.stderr().split("\n").filter((l) => /^omniserve: [A-Z]+ \/\S* \d{3} /.test(l));

describe.each(["node", "deno", "bun"] as Runtime[])("omniserve serve --log on %s", (runtime) => {
  test("--log writes one line per request: method, path with query, status, milliseconds", async () => {
    await withServer([APP, "--runtime", runtime, "--log"], async (server) => {
      await (await fetch(`${server.url}/hello?a=1`)).text();
      await (await fetch(`${server.url}/body/text`, { method: "POST", body: "four" })).text();
      await (await fetch(`${server.url}/nowhere`)).text();
      await (await fetch(`${server.url}/throw`)).text();
      await server.waitFor(/GET \/throw 500/);
      const lines = requestLines(server);
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^omniserve: GET \/hello\?a=1 200 \d+\.\dms$/);
      expect(lines[1]).toMatch(/^omniserve: POST \/body\/text 200 \d+\.\dms$/);
      expect(lines[2]).toMatch(/^omniserve: GET \/nowhere 404 \d+\.\dms$/);
      expect(lines[3]).toMatch(/^omniserve: GET \/throw 500 \d+\.\dms$/);
      // The error's own line and frame come first, as without --log.
      expect(server.stderr()).toMatch(new RegExp(`omniserve: GET /throw: Error thrown on purpose\n {4}at .*http-app\\.ts:${THROW_LINE}:\\d+\\)?\n`));
    });
  });

  test("without --log no request is logged", async () => {
    await withServer([APP, "--runtime", runtime], async (server) => {
      await (await fetch(`${server.url}/hello`)).text();
      await (await fetch(`${server.url}/nowhere`)).text();
      await new Promise((r) => setTimeout(r, 200));
      expect(server.stderr()).toBe("");
    });
  });

  test("--log --log-format json writes one JSON object per request", async () => {
    await withServer([APP, "--runtime", runtime, "--log", "--log-format", "json"], async (server) => {
      await (await fetch(`${server.url}/hello`)).text();
      await server.waitFor(/"status":200/);
      const entry = JSON.parse(server.stderr().trim());
      expect(entry).toMatchObject({ level: "info", method: "GET", path: "/hello", status: 200 });
      expect(entry.msg).toBe(`GET /hello 200 ${entry.ms.toFixed(1)}ms`);
    });
  });

  test("--log keeps logging after the app calls reload()", async () => {
    await withServer(["test/fixture/reload.ts", "--runtime", runtime, "--log"], async (server) => {
      expect(await (await fetch(`${server.url}/swap`)).text()).toBe("swapped");
      expect(await (await fetch(`${server.url}/after`)).text()).toBe("v2");
      await server.waitFor(/GET \/after 200/);
      expect(requestLines(server).map((l) => l.split(" ").slice(1, 4).join(" "))).toEqual(["GET /swap 200", "GET /after 200"]);
    });
  });

  test("--log with --workers 2: each request is logged once, whichever worker answers", async () => {
    await withServer(["test/fixture/ws-app.ts", "--runtime", runtime, "--log", "--workers", "2"], async (server) => {
      for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/worker`, { headers: { connection: "close" } })).text();
      await server.waitFor(/(GET \/worker 200 [\d.]+ms\n[^]*){20}/);
      await new Promise((r) => setTimeout(r, 200));
      expect(requestLines(server)).toHaveLength(20);
    });
  }, 60_000);
});
