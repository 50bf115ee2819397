/**
 * The server side of hono's node tests (see _hono-source.ts), loaded by hono-app.ts in the omniserve process:
 * `createAgent(app)` and `serve({ fetch })` record the apps to serve, `flag(n)` is a plain value the app's
 * handlers set and the vitest side reads over HTTP, and the file's `describe` blocks run in order (as
 * vitest collects them) with `it` and the hooks left to the vitest side.
 * @module
 */
import type { Runtime } from "../../src/types.ts";
import { currentRuntime } from "../../cli/runtime.ts";

type Fetch = (request: Request) => Response | Promise<Response>;

/** The apps given to `createAgent`, in order. */
export const apps: { fetch: Fetch }[] = [];
/** The flags by number. */
export const flags: Map<number, { value: boolean }> = new Map();
/** What `serve` was given (the compress case's upstream). */
export const upstream: { fetch?: Fetch } = {};
/** This server's address, for the `serve` callback: set before the file's blocks run. */
export const self: { address: string; port: number } = { address: "127.0.0.1", port: 0 };

export function createAgent(app: { fetch: Fetch }): void {
  apps.push(app);
}

export function flag(n: number): { value: boolean } {
  const value = { value: false };
  flags.set(n, value);
  return value;
}

export function serve(options: { fetch: Fetch }, listening: (info: { address: string; port: number }) => void): { close(): void } {
  upstream.fetch = options.fetch;
  setTimeout(() => listening({ ...self }));
  return { close() {} };
}

/** Never called: `createAgent` is the harness's. */
export function createAdaptorServer(): never {
  throw new Error("createAdaptorServer is not served by the harness");
}

export const servingRuntime: Runtime = currentRuntime();

type Block = () => unknown;
const blocks: Block[] = [];

/** Stand-ins for vitest's globals while the file loads: blocks are kept to run, the rest is vitest's. */
export function installCollector(): void {
  const describe = Object.assign((_name: string, block: Block) => void blocks.push(block), { skip: () => {} });
  const nothing = () => {};
  Object.assign(globalThis, { describe, it: nothing, test: nothing, beforeEach: nothing, afterEach: nothing, beforeAll: nothing, afterAll: nothing });
}

/** Run the kept `describe` blocks in order, each to its end (one of hono's is async). */
export async function runBlocks(): Promise<void> {
  for (let block = blocks.shift(); block; block = blocks.shift()) await block();
}
