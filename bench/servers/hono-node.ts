/**
 * Peer on Node: `@hono/node-server` serving the app module's `fetch`.
 *   node --import tsx bench/servers/hono-node.ts <app module> <scenario>
 * @module
 */
import { serve } from "@hono/node-server";
import process from "node:process";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";

const app = await loadApp(process.argv[2]);
serve({ fetch: app.fetch, port: 0, hostname: HOSTNAME }, (info) => ready(info.port));
