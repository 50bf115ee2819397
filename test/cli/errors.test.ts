/**
 * Errors a user can act on, on node, deno and bun: a module that does not
 * load is reported as `file:line:column: what` with a code frame (the place
 * and the frame are the same on every runtime; a syntax error's wording is the
 * runtime's parser's), and a request error is followed by the app's frame, or
 * is one JSON object with `--log-format json`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { cli, serveCli } from "../support/cli.ts";
import { applies } from "../support/exceptions.ts";

/** The line of the fixture's `throw new Error("thrown on purpose")`, which the logged stack must name. */
const THROW_LINE = readFileSync("test/fixture/http-app.ts", "utf8").split("\n")
  .findIndex((line) => line.includes('throw new Error("thrown on purpose")')) + 1;

const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
const DIR = "test/fixture/errors";

/** `omniserve serve <module>` on `runtime`, which must fail: its status and stderr lines. */
async function loadFailure(module: string, runtime: Runtime): Promise<string[]> {
  const { code, stdout, stderr } = await cli(["serve", module, "--runtime", runtime, "--port", "0"], { env: { NO_COLOR: undefined } });
  expect(code, stderr).toBe(1);
  expect(stdout).toBe("");
  // Plain text on a pipe: no escape codes (Deno colours its own errors unless told NO_COLOR).
  expect(stderr).not.toContain("\x1b");
  return stderr.trimEnd().split("\n");
}

describe.each(RUNTIMES)("load errors on %s", (runtime) => {
  test.each(["syntax.ts", "syntax.mjs"])("a syntax error in %s names its file, line and column, with a code frame", async (file) => {
    const lines = await loadFailure(`${DIR}/${file}`, runtime);
    const line = file.endsWith(".ts") ? 6 : 4;
    expect(lines[0]).toMatch(new RegExp(`^omniserve: error: ${DIR}/${file.replace(".", "\\.")}:${line}:4: SyntaxError: .+ \\[ERR_MODULE_LOAD\\]$`));
    expect(lines.slice(1)).toEqual([
      `  ${line - 1} |   fetch: () => new Response(${file.endsWith(".ts") ? "greeting" : '"never served"'}),`,
      `> ${line} |   }}`,
      "    |    ^",
    ]);
  });

  test.each(["unclosed.ts", "unclosed.mjs"])("a file that ends too early (%s) points just after its last character", async (file) => {
    // Each parser puts the end of input somewhere of its own (after the last newline, on the last token).
    const lines = await loadFailure(`${DIR}/${file}`, runtime);
    expect(lines[0]).toMatch(new RegExp(`^omniserve: error: ${DIR}/${file.replace(".", "\\.")}:3:45: SyntaxError: .+ \\[ERR_MODULE_LOAD\\]$`));
    expect(lines.slice(1)).toEqual([
      "  2 | export default {",
      '> 3 |   fetch: () => new Response("never served"),',
      "    |                                             ^",
    ]);
  });

  test("a syntax error in an imported file points into that file", async () => {
    const lines = await loadFailure(`${DIR}/nested.ts`, runtime);
    expect(lines[0]).toMatch(new RegExp(`^omniserve: error: ${DIR}/syntax\\.ts:6:4: SyntaxError: `));
    expect(lines).toHaveLength(4);
  });

  test("an import of a missing file names the import as written, where it is written", async () => {
    expect(await loadFailure(`${DIR}/bad-import.ts`, runtime)).toEqual([
      `omniserve: error: ${DIR}/bad-import.ts:2:26: cannot find module "./no-such-file.ts" [ERR_MODULE_LOAD]`,
      "  1 | /** An app module whose import names a file that does not exist. */",
      '> 2 | import { greeting } from "./no-such-file.ts";',
      "    |                          ^",
    ]);
  });

  test("an import of a package that is not installed fails the same on every runtime (Bun installs nothing by itself)", async () => {
    // Outside the repository: no node_modules above it, where Bun would otherwise fetch the package from npm.
    const dir = mkdtempSync(join(tmpdir(), "omniserve-no-install-"));
    const app = join(dir, "app.ts");
    writeFileSync(app, 'import { Hono } from "hono";\nexport default new Hono();\n');
    try {
      expect((await loadFailure(app, runtime))[0]).toBe(`omniserve: error: ${app}:1:22: cannot find module "hono" [ERR_MODULE_LOAD]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an import of a name the module does not export reads the same on every runtime", async () => {
    expect(await loadFailure(`${DIR}/missing-export.mjs`, runtime)).toEqual([
      `omniserve: error: ${DIR}/missing-export.mjs:2:17: SyntaxError: The requested module './exports.mjs' does not provide an export named 'goodbye' [ERR_MODULE_LOAD]`,
      "  1 | // An app module importing a name its dependency does not export.",
      '> 2 | import { hello, goodbye } from "./exports.mjs";',
      "    |                 ^",
    ]);
  });

  test("an error thrown while the module loads points at the throw", async () => {
    const lines = await loadFailure("test/fixture/throws.ts", runtime);
    // The column is the runtime's: V8 points at `new`, JavaScriptCore at `Error`.
    expect(lines[0]).toMatch(/^omniserve: error: test\/fixture\/throws\.ts:2:(7|11): Error: this module refuses to load \[ERR_MODULE_LOAD\]$/);
    expect(lines[2]).toBe('> 2 | throw new Error("this module refuses to load");');
  });

  test("a string thrown while the module loads is named as what was thrown, not as an Error", async () => {
    expect(await loadFailure(`${DIR}/throws-string.ts`, runtime)).toEqual([
      `omniserve: error: cannot load ${DIR}/throws-string.ts: it threw "a string, on purpose", not an Error [ERR_MODULE_LOAD]`,
    ]);
  });

  test("a top-level await that never settles gives one line and status 1 (Node would exit 0 without a word), in plain text on a pipe", async () => {
    const { code, stdout, stderr } = await cli(["serve", `${DIR}/never-settles.ts`, "--runtime", runtime, "--port", "0"], { env: { NO_COLOR: undefined } });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    // Deno's own error here was coloured on a pipe until omniserve gave it NO_COLOR.
    expect(stderr).not.toContain("\x1b");
    if (applies("unsettledTopLevelAwait", runtime)) expect(stderr).toContain("Top-level await promise never resolved");
    else {
      expect(stderr).toBe(
        `omniserve: error: ${DIR}/never-settles.ts never finished loading: a top-level await in it never settled [ERR_MODULE_LOAD]\n`,
      );
    }
  });

  test("a request error with --log-format json is one JSON object with the request and the app's frames", async () => {
    const server = await serveCli(["serve", "test/fixture/http-app.ts", "--runtime", runtime, "--port", "0", "--log-format", "json"]);
    try {
      expect((await fetch(`${server.url}/throw?x=1`)).status).toBe(500);
      await server.waitFor(/"level":"error"/);
      const [line, ...rest] = server.stderr().trim().split("\n");
      expect(rest).toEqual([]);
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({
        level: "error",
        msg: "GET /throw?x=1: Error thrown on purpose",
        method: "GET",
        path: "/throw?x=1",
        error: { name: "Error", message: "thrown on purpose" },
      });
      expect(new Date(entry.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(entry.error.stack[0]).toMatch(new RegExp(`test/fixture/http-app\\.ts:${THROW_LINE}:\\d+\\)?$`));
      // The ready line stays as it is, on stdout.
      expect(server.stdout()).toMatch(/^omniserve: listening on http:\/\/127\.0\.0\.1:\d+ \(\w+\)\n$/);
    } finally {
      await server.stop();
    }
  });
});

describe("load errors with --log-format json", () => {
  test("a load error with --log-format json is one JSON object with its code and code frame", async () => {
    const { code, stderr } = await cli(["serve", `${DIR}/bad-import.ts`, "--port", "0", "--log-format", "json"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(stderr)).toMatchObject({
      level: "fatal",
      msg: `${DIR}/bad-import.ts:2:26: cannot find module "./no-such-file.ts"`,
      code: "ERR_MODULE_LOAD",
      frame: ["  1 | /** An app module whose import names a file that does not exist. */", '> 2 | import { greeting } from "./no-such-file.ts";', "    |                          ^"],
    });
  });
});
