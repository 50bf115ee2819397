/**
 * The CLI itself run by node, deno and bun (`node bin/omniserve.js`, `deno run -A`, `bun`): a mistake in
 * the command line gets omniserve's one line and status 1 whichever runtime runs it.
 */
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { cli } from "../support/cli.ts";
import { applies } from "../support/exceptions.ts";

const USAGE = "\nusage: omniserve <command> [options]\nrun omniserve --help for the commands\n";

describe.each(["node", "deno", "bun"] as Runtime[])("the CLI run by %s", (host) => {
  test("help for an unknown topic names it and the known ones, status 1, as an unknown command does (a module file: how to serve it)", async () => {
    expect(await cli(["help", "bogus"], { host })).toEqual({
      code: 1,
      stdout: "",
      stderr: `omniserve: error: unknown help topic "bogus"; the help topics are serve and test [ERR_BAD_ARGUMENT]\n${USAGE}`,
    });
    expect(await cli(["bogus"], { host })).toEqual({
      code: 1,
      stdout: "",
      stderr: `omniserve: error: unknown command "bogus"; the commands are serve and test [ERR_BAD_ARGUMENT]\n${USAGE}`,
    });
    expect((await cli(["app.ts"], { host })).stderr.split("\n")[0]).toBe(
      'omniserve: error: unknown command "app.ts"; to serve it: omniserve serve app.ts [ERR_BAD_ARGUMENT]',
    );
    expect((await cli(["help", "serv"], { host })).stderr.split("\n")[0]).toBe(
      'omniserve: error: unknown help topic "serv"; did you mean serve? [ERR_BAD_ARGUMENT]',
    );
  });

  test("help with a known topic, or none, prints that help and status 0", async () => {
    const serve = await cli(["help", "serve"], { host });
    expect([serve.code, serve.stderr, serve.stdout.split("\n")[0]]).toEqual([0, "", "usage: omniserve serve <module> [options] [-- <runtime flags>]"]);
    const main = await cli(["help"], { host });
    expect([main.code, main.stderr, main.stdout.split("\n")[0]]).toEqual([0, "", "usage: omniserve <command> [options]"]);
  });

  test.each([
    ["missing", "no-such.env", "not found", "no such file"],
    ["a folder", "test", "invalid format", "it is a folder"],
  ])("an --env-file that is %s gives one line naming it, status 1, before anything starts", async (_, file, node, ours) => {
    const args = ["serve", resolve("test/fixture/env.ts"), "--runtime", host, "--port", "0", "--env-file", file];
    const { code, stdout, stderr } = await cli(args, { host });
    expect(stdout).toBe("");
    if (applies("nodeEnvFileArgv", host)) expect([code, stderr]).toEqual([9, `node: ${file}: ${node}\n`]);
    else expect([code, stderr]).toEqual([1, `omniserve: error: cannot read --env-file ${file}: ${ours} [ERR_BAD_ARGUMENT]\n`]);
  });
});
