/**
 * Control on Deno: `Deno.serve` with no library. HTTP scenarios hand the app's
 * own `fetch` straight to Deno; "broadcast" is a plain `Deno.upgradeWebSocket`
 * loop over a Set of sockets; "static" sends the file's readable and "gzip"
 * and "br" compress with Deno's zlib (_raw-compress.ts), no omniserve at all.
 *   deno run -A bench/servers/deno-raw.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { redisRelay } from "./_redis-relay.ts";
import { deno } from "../../adapters/deno/host.ts";
import { ensureStaticFile } from "../apps/_files.ts";
import { rawCompress } from "./_raw-compress.ts";

const [appPath, scenario] = process.argv.slice(2);
const Deno = deno();

/** The room's sockets; with `relay`, messages also cross Redis. */
async function broadcast(withRedis: boolean): Promise<(request: Request) => Response> {
  const room = new Set<WebSocket>();
  const deliver = (text: string, except?: WebSocket) => {
    for (const other of room) if (other !== except && other.readyState === 1) other.send(text);
  };
  const relay = withRedis ? await redisRelay<WebSocket>(deliver) : deliver;
  return (request) => {
    if (request.headers.get("upgrade") !== "websocket") return new Response("WebSocket only", { status: 426 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => room.add(socket);
    socket.onclose = () => room.delete(socket);
    socket.onmessage = (event) => relay(event.data as string, socket);
    return response;
  };
}

/** The file as the open file's readable, as a Deno user serves a file they know. */
function staticFile(): () => Promise<Response> {
  const path = ensureStaticFile();
  return async () => new Response((await Deno.open(path)).readable, { headers: { "content-type": "application/octet-stream" } });
}

// Deno.upgradeWebSocket has no permessage-deflate: "broadcast-deflate" runs uncompressed everywhere on Deno.
const handler = scenario.startsWith("broadcast")
  ? await broadcast(scenario === "broadcast-redis")
  : scenario === "static"
  ? staticFile()
  : scenario === "gzip" || scenario === "br"
  ? rawCompress(scenario)
  : (await loadApp(appPath)).fetch;
Deno.serve({ port: 0, hostname: HOSTNAME, onListen: ({ port }) => ready(port), handler });
