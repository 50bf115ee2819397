/**
 * Control on Deno over TLS: `Deno.serve({ cert, key })` with the app's own
 * `fetch`; Deno offers h2 and HTTP/1.1 by ALPN.
 *   deno run -A bench/servers/deno-raw-tls.ts <app module> <scenario> <cert file> <key file>
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { deno } from "../../adapters/deno/host.ts";

const [appPath, , certFile, keyFile] = process.argv.slice(2);
const { fetch } = await loadApp(appPath);
deno().serve({
  port: 0,
  hostname: HOSTNAME,
  cert: readFileSync(certFile, "utf8"),
  key: readFileSync(keyFile, "utf8"),
  onListen: ({ port }) => ready(port, "https"),
  handler: fetch,
});
