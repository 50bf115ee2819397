/**
 * Env files on node, deno and bun: omniserve reads them itself, only when
 * told (`--env-file`), so the same command sees the same variables on every
 * runtime. Bun would read `.env` by itself; omniserve runs it with
 * `--no-env-file`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { cli, serveCli } from "../support/cli.ts";

const APP = resolve("test/fixture/env.ts");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "omniserve-env-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function ask(url: string, names: string[]): Promise<Record<string, string | null>> {
  return (await fetch(`${url}/?${names.map((n) => `name=${n}`).join("&")}`)).json() as Promise<Record<string, string | null>>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const FILE = [
  "# a comment, then a blank line",
  "",
  "PLAIN=plain value   # a comment after it",
  "export EXPORTED=yes",
  "SINGLE='kept as it is: \\n $HOME'",
  'DOUBLE="two\\nlines and a \\"quote\\""',
  'MULTI="first',
  'second"',
  "EMPTY=",
  "WINS=from the file",
  "LATER=from the first file",
  "",
].join("\n");

describe.each(["node", "deno", "bun"] as Runtime[])("env files on %s", (runtime) => {
  test("a .env in the working directory is not read without --env-file", async () => {
    const dir = folder({ ".env": "DOTENV_SEEN=yes\n" });
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0"], { cwd: dir });
    try {
      expect(await ask(server.url, ["DOTENV_SEEN"])).toEqual({ DOTENV_SEEN: null });
    } finally {
      await server.stop();
    }
  });

  test("--env-file gives the same values on every runtime; the environment wins, a later file wins over an earlier one", async () => {
    const dir = folder({ "app.env": FILE, "local.env": "LATER=from the second file\n" });
    const server = await serveCli(
      ["serve", APP, "--runtime", runtime, "--port", "0", "--env-file", join(dir, "app.env"), "--env-file", join(dir, "local.env")],
      { env: { WINS: "from the environment" } },
    );
    try {
      expect(await ask(server.url, ["PLAIN", "EXPORTED", "SINGLE", "DOUBLE", "MULTI", "EMPTY", "WINS", "LATER"])).toEqual({
        PLAIN: "plain value",
        EXPORTED: "yes",
        SINGLE: "kept as it is: \\n $HOME",
        DOUBLE: 'two\nlines and a "quote"',
        MULTI: "first\nsecond",
        EMPTY: "",
        WINS: "from the environment",
        LATER: "from the second file",
      });
    } finally {
      await server.stop();
    }
  });

  test("the app sees NO_COLOR only when the user set it (omniserve's own, for Deno's error output on a pipe, is taken away)", async () => {
    const names = ["NO_COLOR", "OMNISERVE_UNSET_NO_COLOR"];
    for (const set of [undefined, "1"]) {
      const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0"], { env: { NO_COLOR: set } });
      try {
        expect(await ask(server.url, names)).toEqual({ NO_COLOR: set ?? null, OMNISERVE_UNSET_NO_COLOR: null });
      } finally {
        await server.stop();
      }
    }
  });

  test("PORT from --env-file sets the port, as PORT in the environment does", async () => {
    const port = await freePort();
    const dir = folder({ ".env": `PORT=${port}\n` });
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--env-file", join(dir, ".env")]);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await server.stop();
    }
  });

  test("--env-file with --workers 2: every worker has the variables", async () => {
    const dir = folder({ ".env": "SHARED=by every worker\n" });
    const server = await serveCli(["serve", APP, "--runtime", runtime, "--port", "0", "--workers", "2", "--env-file", join(dir, ".env")]);
    try {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${server.url}/?name=SHARED`, { headers: { connection: "close" } });
        expect(await res.json()).toEqual({ SHARED: "by every worker" });
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe("env file mistakes", () => {
  test("a line that is not NAME=value gives one line naming the file and line, and status 1", async () => {
    const dir = folder({ "bad.env": "GOOD=1\nthis is not a variable\n" });
    const { code, stderr } = await cli(["serve", APP, "--port", "0", "--env-file", join(dir, "bad.env")]);
    expect(code).toBe(1);
    expect(stderr).toBe(`omniserve: error: ${join(dir, "bad.env")}, line 2: expected NAME=value, got "this is not a variable" [ERR_BAD_ARGUMENT]\n`);
  });

  test("a quote that is never closed gives one line, and status 1", async () => {
    const dir = folder({ "bad.env": 'OPEN="no end\n' });
    const { code, stderr } = await cli(["serve", APP, "--port", "0", "--env-file", join(dir, "bad.env")]);
    expect(code).toBe(1);
    expect(stderr).toBe(`omniserve: error: ${join(dir, "bad.env")}, line 1: the " quote of OPEN is never closed [ERR_BAD_ARGUMENT]\n`);
  });
});
