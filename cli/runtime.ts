/**
 * Which runtime is this, and how to start another one. Uses only `node:`
 * built-ins, which all three runtimes provide. The bench starts its runtimes
 * through here too (hence no `_` prefix; not a published entry point).
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { OmniserveError } from "../src/_errors.ts";
import type { Runtime } from "../src/types.ts";

export const RUNTIMES: readonly Runtime[] = ["node", "deno", "bun"];

/** The runtime executing this code. */
export function currentRuntime(): Runtime {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun ? "bun" : g.Deno ? "deno" : "node";
}

/** Parse a runtime name, or fail with a sentence the user can act on. */
export function parseRuntime(name: string): Runtime {
  if ((RUNTIMES as readonly string[]).includes(name)) return name as Runtime;
  throw new OmniserveError(
    "ERR_UNKNOWN_RUNTIME",
    `unknown runtime "${name}" (expected one of: ${RUNTIMES.join(", ")})`,
  );
}

const require = createRequire(import.meta.url);

/** The packaged binary of `deno` or `bun` from node_modules, if installed. */
function packagedBinary(runtime: "deno" | "bun"): string | undefined {
  try {
    const dir = dirname(require.resolve(`${runtime}/package.json`));
    const bin = runtime === "deno" ? join(dir, "deno") : join(dir, "bin", "bun.exe");
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The executable for `runtime`: `OMNISERVE_<RUNTIME>` env, then the npm
 * package of that name, then PATH.
 */
export function runtimeBinary(runtime: Runtime): string {
  const override = process.env[`OMNISERVE_${runtime.toUpperCase()}`];
  if (override) return override;
  if (runtime === "node") return currentRuntime() === "node" ? process.execPath : "node";
  return packagedBinary(runtime) ?? runtime;
}

/** argv to run `script` (a .js file) with `args` on `runtime`. */
export function runtimeArgv(runtime: Runtime, script: string, args: string[]): string[] {
  const bin = runtimeBinary(runtime);
  switch (runtime) {
    case "node":
      return [bin, script, ...args];
    case "deno":
      // --unstable-no-legacy-abort: request.signal must not abort after a normal response.
      // --unstable-net: Deno.serve({ reusePort }) for --workers.
      return [bin, "run", "-A", "--quiet", "--unstable-no-legacy-abort", "--unstable-net", script, ...args];
    case "bun":
      return [bin, script, ...args];
  }
}
