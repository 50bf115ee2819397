/**
 * The load generators: find them, install the missing ones when we are root
 * on Debian, or say in one line what to install.
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";

const PACKAGES: Record<string, string> = { wrk: "wrk", h2load: "nghttp2-client", nginx: "nginx-light" };

const has = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** Tools still missing after trying to install them; empty when all are there. */
export function ensureTools(tools: string[]): string[] {
  let missing = tools.filter((t) => !has(t));
  if (missing.length && process.getuid?.() === 0 && has("apt-get")) {
    const packages = missing.map((t) => PACKAGES[t]);
    process.stderr.write(`bench: installing ${packages.join(", ")} with apt-get\n`);
    spawnSync("sh", ["-c", `apt-get update -qq && apt-get install -y -qq ${packages.join(" ")}`], { stdio: "ignore" });
    missing = tools.filter((t) => !has(t));
  }
  return missing;
}

/** One line telling the user how to get `missing`. */
export const installHint = (missing: string[]): string =>
  `bench: missing ${missing.join(", ")}; install with: sudo apt-get install -y ${missing.map((t) => PACKAGES[t]).join(" ")}`;

/** `wrk --version`'s first line, e.g. "wrk 4.1.0 [epoll]". */
export function wrkVersion(): string {
  const out = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return (out.stdout || out.stderr || "").split("\n")[0].split(" Copyright")[0].trim() || "wrk";
}

/** Output of a command, trimmed, or "" when it fails. */
export function output(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}
