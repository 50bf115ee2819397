/**
 * Control on Node over TLS: `node:http2`'s `createSecureServer` with
 * `allowHTTP1`, so ALPN gives h2 to h2load and HTTP/1.1 to wrk, with the same
 * `node:http`-style handlers as node-raw.ts (through Node's compatibility API).
 *   node --import tsx bench/servers/node-raw-tls.ts <app module> <scenario> <cert file> <key file>
 * @module
 */
import http2 from "node:http2";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { NODE_HANDLERS } from "./_node-handlers.ts";
import { HOSTNAME, ready } from "./_ready.ts";
import { plainScenario } from "./_tls-args.ts";

const [, scenario, certFile, keyFile] = process.argv.slice(2);
const handler = NODE_HANDLERS[plainScenario(scenario)];
if (!handler) throw new Error(`node-raw-tls: unknown scenario ${scenario}`);
const server = http2.createSecureServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), allowHTTP1: true },
  handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
);
server.listen(0, HOSTNAME, () => ready((server.address() as AddressInfo).port, "https"));
