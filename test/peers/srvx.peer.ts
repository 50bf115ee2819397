/**
 * srvx's shared server cases (its test/_tests.ts `addTests`) against its fixture app served by omniserve on
 * the harness's runtime. The runtime label is `node` everywhere: omniserve promises Node's behaviour on every
 * runtime, while srvx's labels encode srvx's own per-runtime differences.
 * @module
 */
import { describe } from "vitest";
import { served } from "../support/served.ts";
import { PEERS_ENV, peerModule, servingRuntime, viaLocalhost } from "./_peers.ts";

const runtime = servingRuntime();
const { addTests } = await import(peerModule("srvx", "test", "_tests.ts"));

describe(`srvx's cases, served by omniserve on ${runtime}`, () => {
  const server = served("test/peers/srvx-app.ts", runtime, { env: PEERS_ENV });
  addTests({ url: (path: string) => viaLocalhost(server().url) + path, runtime: "node" });
});
