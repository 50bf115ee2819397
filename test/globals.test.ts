/**
 * Importing omniserve changes no global on any runtime; starting a server
 * replaces `Response` unless `overrideGlobalObjects: false`.
 */
import { execFile } from "node:child_process";
import { describe, expect, test } from "vitest";
import { runtimeArgv } from "../cli/runtime.ts";
import type { Runtime } from "../src/types.ts";

const REPLACES: Record<Runtime, string[]> = { node: ["Response"], deno: ["Response"], bun: ["Response"] };

describe.each(["node", "deno", "bun"] as Runtime[])("globals on %s", (runtime) => {
  test("import changes no global; a server replaces Response only where documented and only when asked", async () => {
    const [bin, ...args] = runtimeArgv(runtime, "test/fixture/globals.mjs", [`../../dist/adapters/${runtime}/index.js`]);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(bin, args, { timeout: 30_000 }, (error, out, err) => error ? reject(new Error(err || String(error))) : resolve(out))
    );
    const report = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(report).toEqual({
      atImport: [],
      optedOut: [],
      started: REPLACES[runtime],
      text: "x",
      stillResponse: true,
    });
  });
});
