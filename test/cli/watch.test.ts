/**
 * `omniserve serve --watch` on node, deno and bun: a change to the module or
 * to a file it imports (or to an `--env-file`) restarts the server gracefully
 * (a request in flight finishes), on the same port, with one line; a change
 * that breaks the module prints the error and waits for the next change.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { cli, serveCli } from "../support/cli.ts";

const APP = `import { word } from "./dep.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === "/slow") {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return new Response(\`slow \${word}\`);
    }
    return new Response(word);
  },
};
`;
const dep = (word: string) => `export const word: string = "${word}";\n`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniserve-watch-"));
  writeFileSync(join(dir, "app.ts"), APP);
  writeFileSync(join(dir, "dep.ts"), dep("one"));
  return dir;
}

const text = async (url: string) => (await fetch(url)).text();
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

describe.each(["node", "deno", "bun"] as Runtime[])("omniserve serve --watch on %s", (runtime) => {
  test("--watch restarts on a change to an imported file: the request in flight finishes, same port, one line", async () => {
    const dir = project();
    const server = await serveCli(["serve", join(dir, "app.ts"), "--runtime", runtime, "--port", "0", "--watch"]);
    try {
      expect(await text(server.url)).toBe("one");
      const slow = text(`${server.url}/slow`);
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(dir, "dep.ts"), dep("two"));
      expect(await slow).toBe("slow one");
      await server.waitFor(/omniserve: restarted after a change to \S*dep\.ts\n/, 20_000);
      expect(await text(server.url)).toBe("two");
      writeFileSync(join(dir, "dep.ts"), dep("three"));
      await server.waitFor(/(restarted after a change[^]*){2}/, 20_000);
      expect(await text(server.url)).toBe("three");
      expect(count(server.output(), /omniserve: restarted after a change to \S*dep\.ts\n/)).toBe(2);
      expect(count(server.stdout(), /listening on/)).toBe(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  test("--watch: a change that breaks the module prints its error and waits; the fix restarts it", async () => {
    const dir = project();
    const server = await serveCli(["serve", join(dir, "app.ts"), "--runtime", runtime, "--port", "0", "--watch"]);
    try {
      const at = server.output().length;
      writeFileSync(join(dir, "dep.ts"), 'export const word: string = "broken";\n}\n');
      await server.waitFor(/dep\.ts:2:1: SyntaxError: [^\n]+ \[ERR_MODULE_LOAD\]\n[^]*omniserve: waiting for a change to restart\n/, 20_000, at);
      writeFileSync(join(dir, "dep.ts"), dep("fixed"));
      await server.waitFor(/omniserve: restarted after a change to \S*dep\.ts\n/, 20_000, at);
      expect(await text(server.url)).toBe("fixed");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  test("--watch with --env-file restarts on a change to the env file, with its new values", async () => {
    const dir = project();
    writeFileSync(join(dir, "app.env"), "GREETING=hello\n");
    const app = join(process.cwd(), "test/fixture/env.ts");
    const server = await serveCli(["serve", app, "--runtime", runtime, "--port", "0", "--watch", "--env-file", join(dir, "app.env")]);
    try {
      expect(await text(`${server.url}/?name=GREETING`)).toBe('{"GREETING":"hello"}');
      writeFileSync(join(dir, "app.env"), "GREETING=goodbye\n");
      await server.waitFor(/omniserve: restarted after a change to \S*app\.env\n/, 20_000);
      expect(await text(`${server.url}/?name=GREETING`)).toBe('{"GREETING":"goodbye"}');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);
});

describe("--watch arguments", () => {
  test("--watch with --workers is refused with one line", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--watch", "--workers", "2"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: --watch restarts one server process; use --watch or --workers, not both [ERR_BAD_ARGUMENT]\n");
  });
});
