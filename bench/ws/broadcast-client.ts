/**
 * Load generator for the "broadcast" scenario.
 *   node --import tsx bench/ws/broadcast-client.ts <ws url[,ws url...]> <clients> <seconds> <window> [deflate]
 * Opens <clients> sockets in one room (spread over the URLs in turn, when
 * several instances serve the room) and keeps <window> broadcasts in flight
 * (a broadcast is done when the other clients received it), round-robin over
 * senders. With "deflate" the clients offer permessage-deflate and send 2 KiB
 * JSON messages (compressible, over the 1 KiB threshold) instead of a short
 * one; frames are counted, never inflated. Prints one JSON line: delivered messages per second, and this
 * client's own CPU use so a saturated client is visible.
 * @module
 */
import type net from "node:net";
import process from "node:process";
import { openSocket, textFrame } from "./_socket.ts";

const [url, clientsArg, secondsArg, windowArg, mode] = process.argv.slice(2);
const clients = Number(clientsArg);
const urls = url.split(",");
const window = Number(windowArg);
const deflate = mode === "deflate";
const json = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, user: `user-${i}`, text: "hello room" })));
const frame = textFrame(deflate ? json.padEnd(2048, " ").slice(0, 2048) : "broadcast-bench-message-0123456789");
const fanout = clients - 1;

const sockets: net.Socket[] = [];
let delivered = 0;
let sent = 0;
let next = 0;
let running = false;

function topUp(): void {
  while (running && sent * fanout - delivered < window * fanout) {
    sockets[next].write(frame);
    next = next + 1 === clients ? 0 : next + 1;
    sent++;
  }
}

const onFrames = (count: number): void => {
  delivered += count;
  topUp();
};
for (let i = 0; i < clients; i++) {
  const socket = await openSocket(urls[i % urls.length], onFrames, undefined, deflate ? "permessage-deflate" : undefined);
  socket.on("error", () => {});
  sockets.push(socket);
}
// Let the server finish its open hooks (subscribing, and joining Redis) before the clock starts.
await new Promise((resolve) => setTimeout(resolve, urls.length > 1 ? 1000 : 300));

delivered = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
running = true;
topUp();
await new Promise((resolve) => setTimeout(resolve, Number(secondsArg) * 1000));
running = false;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const result = {
  delivered,
  sent,
  seconds,
  perSecond: delivered / seconds,
  clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
};
process.stdout.write(JSON.stringify(result) + "\n");
for (const socket of sockets) socket.destroy();
process.exit(0);
