/**
 * The system tools the bench and the tests use (load generators, real
 * clients and servers): find them, install the missing ones when we are root
 * on Debian, or say in one line what to install.
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";

/** Each tool's Debian package. */
export const PACKAGES: Record<string, string> = {
  wrk: "wrk",
  h2load: "nghttp2-client",
  nginx: "nginx-light",
  curl: "curl",
  openssl: "openssl",
  chromium: "chromium",
  "redis-server": "redis-server",
};

const has = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** Tools still missing after trying to install them; empty when all are there. */
export function ensureTools(tools: string[], who = "bench"): string[] {
  let missing = tools.filter((t) => !has(t));
  if (missing.length && process.getuid?.() === 0 && has("apt-get")) {
    const packages = missing.map((t) => PACKAGES[t]);
    process.stderr.write(`${who}: installing ${packages.join(", ")} with apt-get\n`);
    spawnSync("sh", ["-c", `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages.join(" ")}`], {
      stdio: "ignore",
    });
    missing = tools.filter((t) => !has(t));
  }
  return missing;
}

/** One line telling the user how to get `missing`. */
export const installHint = (missing: string[], who = "bench"): string =>
  `${who}: missing ${missing.join(", ")}; install with: sudo apt-get install -y ${missing.map((t) => PACKAGES[t]).join(" ")}`;

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
