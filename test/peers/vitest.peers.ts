/**
 * vitest's config for the peers' suites (test/peers.md), apart from the repository's own (`npm test` never
 * runs them): their cases are in the checkouts under `OMNISERVE_PEERS`, loaded by the `*.peer.ts` files here.
 * crossws's cases import their client from `./_utils`; that import loads ws-client.ts, the harness's own.
 * Started by run.ts, one runtime per run (`OMNISERVE_PEERS_RUNTIME`).
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const CLIENT = fileURLToPath(new URL("ws-client.ts", import.meta.url));

export default defineConfig({
  plugins: [{
    name: "omniserve-peers-client",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "./_utils" && importer?.replaceAll("\\", "/").endsWith("/crossws/test/tests.ts")) return CLIENT;
    },
  }],
  test: {
    include: ["test/peers/*.peer.ts"],
    // hono's cases use vitest's globals.
    globals: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
