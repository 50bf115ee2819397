/**
 * serve() as a library, on node, deno and bun: a port in use always surfaces
 * with ERR_PORT_IN_USE, even when nobody awaits ready() (Deno and Bun throw
 * from serve(); Node binds asynchronously, so it is an unhandled rejection),
 * and `server.url` shows the port picked for port 0 once ready() resolved,
 * and the address bound for hostname "localhost"; a bad option is one
 * ERR_BAD_ARGUMENT in the same words everywhere.
 */
import { execFile } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runtimeArgv } from "../cli/runtime.ts";
import type { Runtime } from "../src/types.ts";

/** How the error reaches a program that does not await ready(). */
const ARRIVES: Record<Runtime, string> = { node: "rejected", deno: "thrown", bun: "thrown" };

function run(runtime: Runtime, port: number, which: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [bin, ...args] = runtimeArgv(runtime, "test/fixture/listen.mjs", [`../../dist/adapters/${runtime}/index.js`, String(port), which]);
  return new Promise((resolve) =>
    execFile(bin, args, { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }))
  );
}

describe.each(["node", "deno", "bun"] as Runtime[])("serve() listening on %s", (runtime) => {
  let blocker: net.Server;
  let busy: number;
  beforeAll(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    busy = (blocker.address() as net.AddressInfo).port;
  });
  afterAll(() => blocker.close());

  test("serve() on a port in use, with nobody awaiting ready(), fails the program with ERR_PORT_IN_USE", async () => {
    const { code, stdout, stderr } = await run(runtime, busy, "unhandled");
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain(`port ${busy} is already in use on 127.0.0.1`);
  });

  test("serve() on a port in use gives its code to a program that listens for it", async () => {
    const { stdout } = await run(runtime, busy, "handled");
    expect(stdout.trim()).toBe(`${ARRIVES[runtime]} ERR_PORT_IN_USE`);
  });

  test("serve() on port 0: after ready(), url and port show the port picked", async () => {
    const { code, stdout } = await run(runtime, 0, "picked");
    expect(code).toBe(0);
    const { url, port } = JSON.parse(stdout);
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}/`);
  });

  test("serve() with a bad option throws ERR_BAD_ARGUMENT naming it, the same words on every runtime", async () => {
    const { code, stdout } = await run(runtime, 0, "bad");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual([
      "ERR_BAD_ARGUMENT hostname must be a host name or address, got 5",
      `ERR_BAD_ARGUMENT hostname must be a host name or address, got ""`,
      "ERR_BAD_ARGUMENT maxRequestBodySize must be a whole number of 0 or more, got -5",
      "ERR_BAD_ARGUMENT maxRequestBodySize must be a whole number of 0 or more, got 1mb",
      "ERR_BAD_ARGUMENT idleTimeout must be a whole number of 0 or more, got x",
      "ERR_BAD_ARGUMENT idleTimeout must be a whole number of 0 or more, got 1.5",
      "ERR_BAD_ARGUMENT websocket.open must be a function, got number",
      "ERR_BAD_ARGUMENT websocket.maxPayloadLength must be a whole number of 0 or more, got -1",
      "ERR_BAD_ARGUMENT websocket must be an object of hooks, got yes",
    ]);
  });

  test("serve() on hostname localhost: url and hostname show the address it is bound to", async () => {
    const { code, stdout } = await run(runtime, 0, "localhost");
    expect(code).toBe(0);
    const { url, port, hostname } = JSON.parse(stdout);
    expect([url, hostname]).toEqual([`http://127.0.0.1:${port}/`, "127.0.0.1"]);
  });
});
