/**
 * Where the harness finds the peers' own test suites (test/peers.md): `OMNISERVE_PEERS`, default /tmp/peers,
 * one folder per peer, exported there from a checkout by run.ts and never inside this repository. Read by
 * the harness's vitest files and by the apps omniserve serves for them, on every runtime.
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { Runtime } from "../../src/types.ts";

/** The folder holding the peers' checkouts. */
export const PEERS_DIR: string = process.env.OMNISERVE_PEERS ?? "/tmp/peers";

/** A file of the checkouts, as a URL to import (a path alone is no URL to Deno). */
export function peerModule(...path: string[]): string {
  return pathToFileURL(join(PEERS_DIR, ...path)).href;
}

/** The runtime one vitest run of the harness serves its suite on: `OMNISERVE_PEERS_RUNTIME`, default node. */
export function servingRuntime(): Runtime {
  const name = process.env.OMNISERVE_PEERS_RUNTIME ?? "node";
  if (name !== "node" && name !== "deno" && name !== "bun") throw new Error(`OMNISERVE_PEERS_RUNTIME: unknown runtime ${name}`);
  return name;
}

/** What a harness server is started with: where the checkouts are. */
export const PEERS_ENV: Record<string, string> = { OMNISERVE_PEERS: PEERS_DIR };

/** The server's URL with `localhost` for its loopback address, as the peers' suites address their servers. */
export function viaLocalhost(url: string): string {
  return url.replace("//127.0.0.1:", "//localhost:");
}
