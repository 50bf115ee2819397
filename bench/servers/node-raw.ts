/**
 * Control on Node: `node:http` with no library, and for "broadcast" a plain
 * `ws` loop that sends each message to every other socket ("broadcast-redis":
 * the same loop plus a relay over Redis, see _redis-relay.ts).
 *   node --import tsx bench/servers/node-raw.ts <app module> <scenario>
 * @module
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { type WebSocket, WebSocketServer } from "ws";
import { NODE_HANDLERS } from "./_node-handlers.ts";
import { HOSTNAME, ready } from "./_ready.ts";
import { redisRelay } from "./_redis-relay.ts";

const scenario = process.argv[3];
const handler = NODE_HANDLERS[scenario];
const server = http.createServer(
  handler ?? ((_req, res) => res.writeHead(426).end("WebSocket only")),
);

if (scenario === "broadcast" || scenario === "broadcast-deflate") {
  // ws compresses messages of 1 KiB or more where permessage-deflate was negotiated.
  const wss = new WebSocketServer({ server, perMessageDeflate: scenario === "broadcast-deflate" });
  wss.on("connection", (socket: WebSocket) => {
    socket.on("message", (data, isBinary) => {
      for (const other of wss.clients) {
        if (other !== socket && other.readyState === 1) other.send(data, { binary: isBinary });
      }
    });
  });
} else if (scenario === "broadcast-redis") {
  const wss = new WebSocketServer({ server });
  const relay = await redisRelay<WebSocket>((text, except) => {
    for (const other of wss.clients) if (other !== except && other.readyState === 1) other.send(text);
  });
  wss.on("connection", (socket: WebSocket) => socket.on("message", (data) => relay(String(data), socket)));
} else if (!handler) throw new Error(`node-raw: unknown scenario ${scenario}`);

server.listen(0, HOSTNAME, () => ready((server.address() as AddressInfo).port));
