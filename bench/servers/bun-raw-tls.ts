/**
 * Control on Bun over TLS: `Bun.serve({ tls, http2: true })` with the app's
 * own `fetch`; Bun offers h2 and HTTP/1.1 by ALPN.
 *   bun bench/servers/bun-raw-tls.ts <app module> <scenario> <cert file> <key file>
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { bun } from "../../adapters/bun/host.ts";

const [appPath, , certFile, keyFile] = process.argv.slice(2);
const { fetch } = await loadApp(appPath);
const server = bun().serve({
  port: 0,
  hostname: HOSTNAME,
  tls: { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") },
  http2: true,
  fetch,
});
ready(server.port, "https");
