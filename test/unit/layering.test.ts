/**
 * The layer a file sits in is the folder it lives in: `src/` knows no
 * runtime, `transports/` (Redis, the workers' relay) and `tls/` (the
 * certificate checks) build on `src/` with `node:` modules every runtime has,
 * each adapter builds on `src/`, `transports/` and `tls/`, and `cli/` sits on top of them all. A wrong import here is a wrong layer, so this test reads every
 * relative import and checks which folder it reaches.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, test } from "vitest";

const ADAPTERS = ["adapters/node", "adapters/deno", "adapters/bun"];
/** What each layer may import, itself included. */
const MAY_IMPORT: Record<string, string[]> = {
  src: ["src"],
  transports: ["src", "transports"],
  tls: ["src", "tls"],
  ...Object.fromEntries(ADAPTERS.map((adapter) => [adapter, ["src", "transports", "tls", adapter]])),
  cli: ["src", "transports", "tls", ...ADAPTERS, "cli"],
};

/** Every .ts file under `dir`, relative to the repository root. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(dir, f));
}

/** The source without comments, so a comment that names a runtime is no import. */
const code = (file: string): string => readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");

/** The layer (a key of MAY_IMPORT) that holds `file`, or undefined outside them. */
const layerOf = (file: string): string | undefined =>
  Object.keys(MAY_IMPORT).find((layer) => file === layer || file.startsWith(`${layer}/`));

describe("layering", () => {
  test("layering: src/ imports no runtime and touches no runtime global", () => {
    const core = files("src");
    expect(core.length).toBeGreaterThan(5);
    for (const file of core) expect(code(file), file).not.toMatch(/from "node:|from "bun|\bDeno\.\w|\bBun\.\w/);
  });

  test("layering: each folder imports only the layers below it; cli/ is on top and nothing imports it", () => {
    for (const layer of Object.keys(MAY_IMPORT)) {
      for (const file of files(layer)) {
        for (const [, target] of code(file).matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
          const reached = layerOf(relative(".", join(dirname(file), target)));
          expect(MAY_IMPORT[layer], `${file} imports ${target}`).toContain(reached);
        }
      }
    }
  });
});
