/**
 * hono's node runtime tests (its runtime-tests/node/index.test.ts, rewritten by _hono-source.ts) against
 * their apps served by omniserve on the harness's runtime, all on one server (hono-app.ts).
 * @module
 */
import { served } from "../support/served.ts";
import { useServer } from "./hono-client.ts";
import { PEERS_ENV, peerModule, servingRuntime } from "./_peers.ts";

const server = served("test/peers/hono-app.ts", servingRuntime(), { env: PEERS_ENV });
useServer(() => server().url);
await import(peerModule("hono", "harness", "index.client.ts"));
