/**
 * A chat with rooms, served unchanged on Node.js, Deno and Bun:
 *   node bin/omniserve.js serve examples/chat/app.ts --runtime deno
 * then open http://127.0.0.1:3000/ in two browser tabs.
 *
 * Each room is a topic: a peer subscribes to its room on open and publishes
 * what it says to everyone else there. Hono serves the page and a small API
 * that reads the server through `ctx` (Hono's `c.env`).
 */
import { Hono } from "hono";
import type { Peer, ServeOptions, ServerContext } from "omniserve";
import { page } from "./page.ts";

const ROOMS = ["lobby", "random", "dev"];

const app = new Hono<{ Bindings: ServerContext }>();

app.get("/", (c) => c.html(page(ROOMS)));
app.get("/api/rooms", (c) =>
  c.json(ROOMS.map((room) => ({ room, online: c.env.server.subscriberCount(room) }))));
app.post("/api/rooms/:room/announce", async (c) => {
  const text = (await c.req.text()).slice(0, 500);
  const reached = c.env.server.publish(c.req.param("room"), line("server", text));
  return c.json({ reached });
});

/** One chat line as the page expects it. */
function line(name: string, text: string): string {
  return JSON.stringify({ name, text, at: Date.now() });
}

function who(peer: Peer): { name: string; room: string } {
  return peer.context as { name: string; room: string };
}

export default {
  fetch: app.fetch,
  websocket: {
    maxPayloadLength: 64 * 1024,
    perMessageDeflate: true, // Chromium offers it; Node and Bun accept, Deno serves uncompressed
    upgrade(request) {
      const url = new URL(request.url);
      const room = url.searchParams.get("room") ?? "lobby";
      const name = (url.searchParams.get("name") ?? "").trim().slice(0, 32);
      if (url.pathname !== "/ws" || !ROOMS.includes(room) || !name) {
        return new Response("pick a name and one of: " + ROOMS.join(", "), { status: 400 });
      }
      return { context: { name, room }, headers: { "x-chat-room": room } };
    },
    open(peer) {
      const { name, room } = who(peer);
      peer.subscribe(room);
      peer.send(line("server", `welcome to #${room}, ${name}`));
      peer.publish(room, line("server", `${name} joined`));
    },
    message(peer, message) {
      const { name, room } = who(peer);
      const text = message.text().slice(0, 2000);
      const out = line(name, text);
      peer.send(out); // the sender sees its own line too
      peer.publish(room, out);
    },
  },
} satisfies ServeOptions;
