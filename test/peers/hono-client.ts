/**
 * The vitest side of hono's node tests (see _hono-source.ts): each `createAgent(app)` requests the app's
 * prefix of the omniserve server that serves the same file's apps; `flag(n)` reads and sets the server's
 * flag n; `serve` (the compress case's upstream) is only a name here, served by that server.
 * @module
 */
import type { Runtime } from "../../src/types.ts";
import { fetchTextSync } from "./_sync-fetch.ts";
import { servingRuntime as runtime, viaLocalhost } from "./_peers.ts";

let origin: () => string = () => {
  throw new Error("no server yet");
};

/** Where the apps are served: called by the vitest file before it loads hono's. */
export function useServer(url: () => string): void {
  origin = () => viaLocalhost(url());
}

let agents = 0;

/**
 * The app created `agents`th in the file, as mounted under `/<that number>` (hono's `route`: its `/` is the
 * prefix itself, without a slash after it).
 */
export function createAgent(_app: unknown): { get(path: string, init?: RequestInit): Promise<Response> } {
  const prefix = `/${agents++}`;
  return { get: (path, init) => fetch(new URL(prefix + (path === "/" ? "" : path), origin()), init) };
}

/** The flag the server process keeps as number `n`. */
export function flag(n: number): { value: boolean } {
  const url = () => `${origin()}/__peers/flag/${n}`;
  return {
    get value() {
      return fetchTextSync(url()) === "true";
    },
    set value(value: boolean) {
      fetchTextSync(url(), value ? "PUT" : "DELETE");
    },
  };
}

/** Tells the file's own `serve` apart from the server side's; the upstream it starts is the server's. */
export function serve(_options: unknown, listening: (info: { address: string; port: number }) => void): { close(): void } {
  setTimeout(() => listening({ address: "127.0.0.1", port: 0 }));
  return { close() {} };
}

/** Never called: `createAgent` is the harness's. */
export function createAdaptorServer(): never {
  throw new Error("createAdaptorServer is not served by the harness");
}

export const servingRuntime: Runtime = runtime();
