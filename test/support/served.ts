/**
 * Serving a module for tests: on a free loopback port, and for the length of
 * a describe block (started in its beforeAll, stopped in its afterAll). Every
 * suite that needs a running server gets it from here, through the compiled
 * CLI code, exactly what `omniserve test` runs.
 * @module
 */
import { afterAll, beforeAll } from "vitest";
import { startServer, type SpawnedServer, type SpawnOptions } from "../../dist/cli/spawn.js";
import type { Runtime } from "../../src/types.ts";

/** `module` served on `runtime` at 127.0.0.1 on a free port; `options` adds env, workers, TLS files... */
export function startLocal(module: string, runtime: Runtime, options: SpawnOptions = {}): Promise<SpawnedServer> {
  return startServer(module, runtime, { port: 0, hostname: "127.0.0.1", ...options });
}

/**
 * The enclosing describe block's server: `start()` runs in beforeAll (given
 * `timeoutMs`, else the configured hook timeout), the server is stopped in
 * afterAll. Read it through the returned getter once the block's tests run.
 */
export function servedBy(start: () => Promise<SpawnedServer>, timeoutMs?: number): () => SpawnedServer {
  let server: SpawnedServer | undefined;
  beforeAll(async () => {
    server = await start();
  }, timeoutMs);
  afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}

/** {@link servedBy} for `module` on `runtime` on loopback ({@link startLocal}). */
export function served(module: string, runtime: Runtime, options: SpawnOptions = {}, timeoutMs?: number): () => SpawnedServer {
  return servedBy(() => startLocal(module, runtime, options), timeoutMs);
}
