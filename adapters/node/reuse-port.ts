/**
 * Whether this Node's `listen()` takes `reusePort` (Node 22.12 and 23.1 on);
 * older versions ignore the option silently, so a second process would fail
 * with EADDRINUSE. The CLI asks this too, to pick `node:cluster` instead.
 * @module
 */
import process from "node:process";

/** True on Node versions whose `listen()` takes `reusePort`. */
export function nodeHasReusePort(version: string = process.versions.node): boolean {
  const [major, minor] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}
