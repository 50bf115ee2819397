/**
 * Control on Bun: `Bun.serve` with no library. HTTP scenarios hand the app's
 * own `fetch` straight to Bun; "broadcast" uses Bun's native pub/sub.
 *   bun bench/servers/bun-raw.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { bun } from "../../adapters/bun/host.ts";

const [appPath, scenario] = process.argv.slice(2);
const Bun = bun();

const deflate = scenario === "broadcast-deflate";
const server = scenario === "broadcast" || deflate
  ? Bun.serve({
    port: 0,
    hostname: HOSTNAME,
    fetch: (request, server) =>
      server.upgrade(request) ? undefined : new Response("WebSocket only", { status: 426 }),
    websocket: {
      perMessageDeflate: deflate,
      open: (ws) => ws.subscribe("room"),
      // Bun compresses only when asked; omniserve asks for 1 KiB or more.
      message: (ws, message) => void ws.publish("room", message, deflate && message.length >= 1024),
    },
  })
  : Bun.serve({ port: 0, hostname: HOSTNAME, fetch: (await loadApp(appPath)).fetch });
ready(server.port);
