/**
 * Control on Bun: `Bun.serve` with no library. HTTP scenarios hand the app's
 * own `fetch` straight to Bun; "broadcast" uses Bun's native pub/sub;
 * "static" sends `Bun.file()` and "gzip" and "br" compress with Bun's zlib.
 *   bun bench/servers/bun-raw.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { bun } from "../../adapters/bun/host.ts";
import { ensureStaticFile } from "../apps/_files.ts";
import { rawCompress } from "./_raw-compress.ts";

const [appPath, scenario] = process.argv.slice(2);
const Bun = bun();

const server = scenario === "broadcast"
  ? Bun.serve({
    port: 0,
    hostname: HOSTNAME,
    fetch: (request, server) =>
      server.upgrade(request) ? undefined : new Response("WebSocket only", { status: 426 }),
    websocket: {
      open: (ws) => ws.subscribe("room"),
      message: (ws, message) => void ws.publish("room", message),
    },
  })
  : Bun.serve({ port: 0, hostname: HOSTNAME, fetch: await rawFetch() });

/** "static": Bun.file (sendfile); "gzip", "br": Bun's zlib (_raw-compress.ts); else the app's own fetch. */
async function rawFetch(): Promise<(request: Request) => Response | Promise<Response>> {
  if (scenario === "static") {
    const file = Bun.file(ensureStaticFile());
    return () => new Response(file, { headers: { "content-type": "application/octet-stream" } });
  }
  if (scenario === "gzip" || scenario === "br") return rawCompress(scenario);
  return (await loadApp(appPath)).fetch;
}
ready(server.port);
