/**
 * Peer on every runtime: srvx serving the app module, with crossws's
 * `crossws/server` (srvx plus WebSocket hooks) for "broadcast".
 *   <runtime> bench/servers/srvx.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";

const [appPath, scenario] = process.argv.slice(2);
const app = await loadApp(appPath);
const { serve } = scenario === "broadcast" ? await import("crossws/server") : await import("srvx");
const server = serve({ fetch: app.fetch, websocket: app.websocket, port: 0, hostname: HOSTNAME, silent: true });
await server.ready();
ready(Number(new URL(server.url!).port));
