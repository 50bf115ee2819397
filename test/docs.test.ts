/**
 * The docs say what the code does: every `@example` in the public API's JSDoc
 * type-checks against the package as users import it (`omniserve`,
 * `omniserve/node`, ...), as Deno std checks its docs in CI; members
 * marked `@internal` stay out of the published `.d.ts`; the README's
 * exception tables are the registry's, its CLI reference is `--help`, and its
 * error list has every code.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EXCEPTIONS } from "./support/exceptions.ts";
import { cliReference } from "./support/cli-reference.ts";
import { exceptionsTable, tableIn } from "./support/exceptions-table.ts";
import { blockIn } from "./support/readme-blocks.ts";

const PUBLIC = ["src/types.ts", "src/index.ts", "adapters/node/index.ts", "adapters/deno/index.ts", "adapters/bun/index.ts"];
const DIR = ".doc-examples"; // inside the package, so `omniserve` resolves to itself

function examples(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const doc of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = doc.split("\n").map((line) => line.replace(/^\s*\*\s?/, ""));
    const body = lines.join("\n");
    for (const match of body.matchAll(/@example\s*```ts\n([\s\S]*?)```/g)) out.push(match[1]);
  }
  return out;
}

test("every public @example type-checks against the published entry points", () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR);
  let count = 0;
  for (const file of PUBLIC) {
    for (const code of examples(file)) {
      writeFileSync(join(DIR, `${file.replace(/\W/g, "_")}_${count++}.ts`), `${code}\nexport {};\n`);
    }
  }
  expect(count).toBeGreaterThanOrEqual(8);
  writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({
    extends: "../tsconfig.json",
    compilerOptions: { noEmit: true, isolatedDeclarations: false, declaration: false, rootDir: "." },
    include: ["*.ts"],
  }));
  try {
    execFileSync("node_modules/.bin/tsc", ["-p", join(DIR, "tsconfig.json")], { encoding: "utf8" });
  } catch (error) {
    throw new Error(`doc examples do not type-check:\n${(error as { stdout?: string }).stdout}`);
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
});

test("the published .d.ts files show no @internal member (stripInternal)", () => {
  const declarations = readdirSync("dist", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"));
  expect(declarations.length).toBeGreaterThan(10);
  for (const file of declarations) expect(readFileSync(join("dist", file), "utf8"), file).not.toContain("@internal");
});

describe("README", () => {
  const readme = readFileSync("README.md", "utf8");

  test("README exception tables are rendered from test/support/exceptions.ts", () => {
    for (const area of ["http", "ws", "cli"] as const) {
      expect(tableIn(readme, area), `README's ${area} exceptions differ from the registry: run npm run readme`).toBe(exceptionsTable(area));
    }
  });

  test("README's CLI reference is the CLI's own --help", () => {
    expect(blockIn(readme, "cli"), "README's CLI reference differs from --help: run npm run readme").toBe(cliReference());
  });

  test("README: every named exception is asserted by a test case", () => {
    const tests = readdirSync("test", { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.startsWith("fixture") && f !== join("support", "exceptions.ts"))
      .map((f) => readFileSync(join("test", f), "utf8"))
      .join("\n");
    for (const name of Object.keys(EXCEPTIONS)) expect(tests, `${name} is in no test`).toContain(`"${name}"`);
  });

  test("README lists every error code", () => {
    const codes = [...readFileSync("src/_errors.ts", "utf8").matchAll(/\| "(ERR_\w+)"/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(5);
    const errors = readme.slice(readme.indexOf("## Errors"), readme.indexOf("\n## ", readme.indexOf("## Errors") + 1));
    for (const code of codes) expect(errors, code).toContain(`\`${code}\``);
  });
});
