/**
 * Control on Bun: `Bun.serve` with no library. HTTP scenarios hand the app's
 * own `fetch` straight to Bun; "broadcast" uses Bun's native pub/sub;
 * "static" sends `Bun.file()` and "gzip" and "br" compress with Bun's zlib.
 *   bun bench/servers/bun-raw.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { redisRelay } from "./_redis-relay.ts";
import { bun } from "../../adapters/bun/host.ts";
import { ensureStaticFile } from "../apps/_files.ts";
import { rawCompress } from "./_raw-compress.ts";

const [appPath, scenario] = process.argv.slice(2);
const Bun = bun();

type Socket = { publish(topic: string, data: string | Uint8Array): number };
let relay: ((text: string, from: Socket) => void) | undefined;
const deflate = scenario === "broadcast-deflate";
const server = scenario.startsWith("broadcast")
  ? Bun.serve({
    port: 0,
    hostname: HOSTNAME,
    fetch: (request, server) =>
      server.upgrade(request) ? undefined : new Response("WebSocket only", { status: 426 }),
    websocket: {
      perMessageDeflate: deflate,
      open: (ws) => ws.subscribe("room"),
      // Bun compresses only when asked; omniserve asks for 1 KiB or more.
      message: (ws, message) =>
        relay ? relay(String(message), ws) : void ws.publish("room", message, deflate && message.length >= 1024),
    },
  })
  : Bun.serve({ port: 0, hostname: HOSTNAME, fetch: await rawFetch() });
if (scenario === "broadcast-redis") {
  // Local others through Bun's native publish (it skips the sender), the other instance through Redis.
  relay = await redisRelay<Socket>((text, except) => void (except ? except.publish("room", text) : server.publish("room", text)));
}

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
