/**
 * Which runtime is this, and how to start another one. Uses only `node:`
 * built-ins, which all three runtimes provide. The bench starts its runtimes
 * through here too (hence no `_` prefix; not a published entry point).
 * @module
 */
import process from "node:process";
import { OmniserveError } from "../src/_errors.ts";
import type { Runtime } from "../src/types.ts";
import { nearest } from "./_args.ts";
import { packagedBinary } from "./_packaged.ts";

export const RUNTIMES: readonly Runtime[] = ["node", "deno", "bun"];

/** The runtime executing this code. */
export function currentRuntime(): Runtime {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun ? "bun" : g.Deno ? "deno" : "node";
}

/** Parse a runtime name, or fail with a sentence the user can act on. */
export function parseRuntime(name: string): Runtime {
  if ((RUNTIMES as readonly string[]).includes(name)) return name as Runtime;
  // A typo (`nod`, `dneo`) or another case (`Bun`) gets the name it most likely meant, as an option does.
  const near = nearest(name.toLowerCase(), [...RUNTIMES]);
  throw new OmniserveError(
    "ERR_UNKNOWN_RUNTIME",
    `unknown runtime "${name}"${near ? `; did you mean ${near}?` : ""} (expected one of: ${RUNTIMES.join(", ")})`,
  );
}

/**
 * The executable for `runtime`: the `OMNISERVE_<RUNTIME>` variable when set,
 * then the `deno` or `bun` npm package (the project's, then omniserve's
 * neighbour; its platform package when its install script did not run), then
 * the name alone, found on PATH.
 */
export function runtimeBinary(runtime: Runtime): string {
  const override = process.env[`OMNISERVE_${runtime.toUpperCase()}`];
  if (override) return override;
  if (runtime === "node") return currentRuntime() === "node" ? process.execPath : "node";
  return packagedBinary(runtime).bin ?? runtime;
}

/** The sentence for a runtime that cannot be started: each way to provide it, as a command. */
export function runtimeNotFound(runtime: Runtime, bin: string): OmniserveError {
  const variable = `OMNISERVE_${runtime.toUpperCase()}`;
  if (process.env[variable]) {
    return new OmniserveError("ERR_RUNTIME_NOT_FOUND", `cannot run ${runtime}: ${variable} is set to ${bin}, which cannot be run`);
  }
  if (runtime === "node") {
    return new OmniserveError("ERR_RUNTIME_NOT_FOUND", `cannot find the node executable: put node on PATH or set ${variable} to its path`);
  }
  const missing = packagedBinary(runtime).missing;
  if (missing) {
    return new OmniserveError(
      "ERR_RUNTIME_NOT_FOUND",
      `the ${runtime} package in ${missing} has no binary (its install script did not run and its platform package is not installed): run npm rebuild ${runtime}`,
    );
  }
  return new OmniserveError(
    "ERR_RUNTIME_NOT_FOUND",
    `cannot find the ${runtime} executable: run npm install -D ${runtime}, put ${runtime} on PATH, or set ${variable} to its path`,
  );
}

/** A Deno permission flag: when the runtime flags have one, they replace omniserve's `-A`. */
const DENO_PERMISSION = /^(-A|-[RWNESIP]|--allow-[\w-]+|--deny-[\w-]+|--permission-set)(=.*)?$/;

/**
 * False when `flags` give Deno permissions of their own without env access,
 * which a worker needs (it reads `OMNISERVE_WORKER` and `OMNISERVE_REUSE_PORT`).
 */
export function denoFlagsAllowEnv(flags: string[]): boolean {
  return !flags.some((flag) => DENO_PERMISSION.test(flag)) || flags.some((flag) => /^(-A|--allow-all|-E|--allow-env)(=.*)?$/.test(flag));
}

/**
 * argv to run `script` (a .js file) with `args` on `runtime`; `flags` are the
 * user's runtime flags (`omniserve serve ... -- <flags>`), put before the script.
 */
export function runtimeArgv(runtime: Runtime, script: string, args: string[], flags: string[] = []): string[] {
  const bin = runtimeBinary(runtime);
  switch (runtime) {
    case "node":
      return [bin, ...flags, script, ...args];
    case "deno": {
      const permissions = flags.some((flag) => DENO_PERMISSION.test(flag)) ? [] : ["-A"];
      // --unstable-no-legacy-abort: request.signal must not abort after a normal response.
      // --unstable-net: Deno.serve({ reusePort }) for --workers.
      // --unstable-sloppy-imports: `import "./lib"` and `import "./lib.js"` load lib.ts, as on Node (tsx) and Bun.
      return [bin, "run", ...permissions, "--quiet", "--unstable-no-legacy-abort", "--unstable-net", "--unstable-sloppy-imports", ...flags, script, ...args];
    }
    case "bun":
      // Bun would read .env by itself; omniserve reads env files only when told (--env-file), on every runtime.
      // Bun would also fetch a package it cannot find from npm (where no node_modules is above the app):
      // an import that fails on Node and Deno fails on Bun too.
      return [bin, "--no-env-file", "--no-install", ...flags, script, ...args];
  }
}
