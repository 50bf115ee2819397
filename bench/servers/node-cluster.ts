/**
 * `node:cluster` by hand: a primary forks 2 workers, each a raw `node:http`
 * server with the control's handlers; the primary accepts every connection and
 * hands it to a worker in turn (Node's default round-robin on Linux).
 *   node --import tsx bench/servers/node-cluster.ts <app module> <scenario>
 * @module
 */
import cluster from "node:cluster";
import http from "node:http";
import process from "node:process";
import { NODE_HANDLERS } from "./_node-handlers.ts";
import { HOSTNAME, ready } from "./_ready.ts";

const WORKERS = 2;
const handler = NODE_HANDLERS[process.argv[3]];
if (!handler) throw new Error(`node-cluster: no node:http handler for scenario ${process.argv[3]}`);

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) {
    // Workers that all listen on port 0 share one port the primary picks.
    cluster.fork().once("listening", ({ port }) => ++listening === WORKERS && ready(port));
  }
} else {
  http.createServer(handler).listen(0, HOSTNAME);
}
