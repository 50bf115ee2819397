/**
 * crossws's shared WebSocket cases (its test/tests.ts `wsTests`) against its demo hooks served by omniserve
 * on the harness's runtime, with the adapter label `node`.
 * @module
 */
import { describe } from "vitest";
import { served } from "../support/served.ts";
import { PEERS_ENV, peerModule, servingRuntime, viaLocalhost } from "./_peers.ts";

const runtime = servingRuntime();
const { wsTests } = await import(peerModule("crossws", "test", "tests.ts"));

describe(`crossws's cases, served by omniserve on ${runtime}`, () => {
  const server = served("test/peers/crossws-app.ts", runtime, { env: PEERS_ENV });
  wsTests(() => `${viaLocalhost(server().url).replace(/^http/, "ws")}/`, { adapter: "node" });
});
