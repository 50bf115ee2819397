/**
 * Every `@example` in the public API's JSDoc type-checks against the package
 * as users import it (`omniserve`, `omniserve/node`, ...), as Deno std checks
 * its docs in CI.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

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
