/**
 * Opens <count> WebSockets and holds them idle, for the memory-per-connection
 * measurement.
 *   node --import tsx bench/ws/idle-client.ts <ws url> <count> <local address>
 * Prints "open <count>" once every socket is up, then waits to be killed.
 * @module
 */
import type net from "node:net";
import process from "node:process";
import { openSocket } from "./_socket.ts";

const [url, countArg, localAddress] = process.argv.slice(2);
const count = Number(countArg);
const BATCH = 200;
const sockets: net.Socket[] = [];

for (let opened = 0; opened < count; opened += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, count - opened) }, () => openSocket(url, undefined, localAddress));
  for (const socket of await Promise.all(batch)) {
    socket.on("error", () => {});
    sockets.push(socket);
  }
}
process.stdout.write(`open ${sockets.length}\n`);
setInterval(() => {}, 1 << 30);
