/**
 * The CLI's parsers, without a process: option suggestions, env files, and
 * the reading of a module's imports that --watch and load errors rely on.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { nearest, parseCommand, SERVE } from "../../cli/_args.ts";
import { parseEnv } from "../../cli/_env-file.ts";
import { findImport, importGraph, specifiers } from "../../cli/_imports.ts";

describe("arguments", () => {
  test("nearest() suggests the option a typo, a swap or a prefix meant, and nothing for a stranger", () => {
    const names = SERVE.options.map((o) => o.name);
    expect(nearest("prot", names)).toBe("port");
    expect(nearest("wach", names)).toBe("watch");
    expect(nearest("work", names)).toBe("workers");
    expect(nearest("envfile", names)).toBe("env-file");
    expect(nearest("banana", names)).toBeUndefined();
  });

  test("parseCommand() reads short flags, repeated --env-file, and says which option misses its value", () => {
    const { values, positionals } = parseCommand(SERVE, ["app.ts", "-p", "8080", "-r", "bun", "--env-file", "a", "--env-file", "b", "--log"]);
    expect(positionals).toEqual(["app.ts"]);
    expect(values).toMatchObject({ port: "8080", runtime: "bun", "env-file": ["a", "b"], log: true });
    expect(() => parseCommand(SERVE, ["app.ts", "--port"])).toThrow("--port needs a value");
    expect(() => parseCommand(SERVE, ["app.ts", "--watch=yes"])).toThrow("--watch is a switch and takes no value");
  });
});

describe("env files", () => {
  test("parseEnv() reads Windows line ends, a BOM, export, comments and every kind of quote", () => {
    const text = '\uFEFFA=1\r\nexport B = two words # note\r\nC="x # not a comment"\r\nD=\'$HOME\\n\'\r\nE="tab\\tnew\\nline \\q"\r\n';
    expect(parseEnv(text, ".env")).toEqual({ A: "1", B: "two words", C: "x # not a comment", D: "$HOME\\n", E: "tab\tnew\nline \\q" });
  });

  test("parseEnv() names the file and line of a mistake", () => {
    expect(() => parseEnv("A=1\n\n1BAD=2\n", "x.env")).toThrow('x.env, line 3: expected NAME=value, got "1BAD=2"');
    expect(() => parseEnv('A="closed" trailing\n', "x.env")).toThrow("x.env, line 1: unexpected text after the quoted value of A");
  });
});

describe("imports", () => {
  test("specifiers() finds static, dynamic, re-export and require specifiers with the place of their quote", () => {
    const source = 'import a from "./a.ts";\nexport * from \'./b.js\';\nconst c = await import("./c.ts");\nrequire("pkg");\nimport "./side.ts";\n';
    expect(specifiers(source).map((s) => [s.specifier, source[s.index]])).toEqual([
      ["./a.ts", '"'], ["./b.js", "'"], ["./c.ts", '"'], ["pkg", '"'], ["./side.ts", '"'],
    ]);
  });

  test("importGraph() follows local imports (a .js specifier names a .ts file, an index in a folder) and skips packages", () => {
    const dir = mkdtempSync(join(tmpdir(), "omniserve-graph-"));
    writeFileSync(join(dir, "app.ts"), 'import "./lib.js";\nimport "hono";\nimport "./missing.ts";\n');
    writeFileSync(join(dir, "lib.ts"), 'export * from "./util";\n');
    writeFileSync(join(dir, "util.ts"), "export const x = 1;\n");
    expect(importGraph(join(dir, "app.ts"))).toEqual([join(dir, "app.ts"), join(dir, "lib.ts"), join(dir, "util.ts")]);
    expect(findImport(join(dir, "app.ts"), join(dir, "missing.ts"))).toEqual({ at: { file: join(dir, "app.ts"), line: 3, column: 8 }, specifier: "./missing.ts" });
    expect(findImport(join(dir, "app.ts"), "hono")?.at.line).toBe(2);
  });
});
