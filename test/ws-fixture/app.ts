/**
 * The WebSocket conformance fixture: one app, served unchanged on every
 * runtime. Text commands drive the server side (`close:4001:bye`,
 * `sub:room`, `pub:room:hi`); HTTP routes expose the server API and what
 * the close hook saw.
 */
import type { ServeOptions } from "../../src/types.ts";

declare const process: { env: Record<string, string | undefined> };

const closes = new Map<string, { code?: number; reason?: string }>();

export default {
  fetch(request, ctx) {
    const url = new URL(request.url);
    const topic = url.searchParams.get("topic") ?? "";
    switch (url.pathname) {
      case "/publish": {
        const compress = url.searchParams.get("compress");
        const options = compress === null ? undefined : { compress: compress === "1" };
        return request.text().then((body) => new Response(String(ctx.server.publish(topic, body, options))));
      }
      case "/count":
        return new Response(String(ctx.server.subscriberCount(topic)));
      case "/closes":
        return Response.json(closes.get(url.searchParams.get("name") ?? "") ?? null);
      default:
        return new Response("plain http");
    }
  },
  websocket: {
    maxPayloadLength: Number(process.env.WS_MAX_PAYLOAD ?? 64 * 1024),
    backpressureLimit: Number(process.env.WS_BACKPRESSURE ?? 256 * 1024),
    perMessageDeflate: true,
    idleTimeout: Number(process.env.WS_IDLE_TIMEOUT ?? 120),
    upgrade(request) {
      const url = new URL(request.url);
      if (url.pathname === "/refuse") {
        return new Response("nope", { status: 403, headers: { "x-refused": "yes" } });
      }
      return {
        headers: { "x-upgrade": "yes" },
        context: { name: url.searchParams.get("name") ?? "" },
        protocol: url.searchParams.get("protocol") ?? undefined,
      };
    },
    open(peer) {
      for (const topic of new URL(peer.request.url).searchParams.getAll("topic")) peer.subscribe(topic);
      peer.send(`hello ${peer.remoteAddress}`);
    },
    message(peer, message) {
      if (typeof message.rawData !== "string") return void peer.send(message.uint8Array());
      const text = message.text();
      const [command, topic = "", ...rest] = text.split(":");
      const arg = rest.join(":");
      switch (command) {
        case "close":
          return peer.close(Number(topic), arg);
        case "sub":
          peer.subscribe(topic);
          return void peer.send(`ok:${text}`);
        case "unsub":
          peer.unsubscribe(topic);
          return void peer.send(`ok:${text}`);
        case "pub":
          return peer.publish(topic, arg);
        case "pubbin":
          return peer.publish(topic, new TextEncoder().encode(arg));
        case "pubz":
          return peer.publish(topic, arg, { compress: true });
        case "pubplain":
          return peer.publish(topic, arg, { compress: false });
        case "url":
          return void peer.send(peer.request.url);
        case "topics":
          return void peer.send(JSON.stringify([...peer.topics].sort()));
        case "terminate":
          return peer.terminate();
        case "flood":
          return flood(peer, Number(topic));
        case "whoami":
          return void peer.send(JSON.stringify({
            name: peer.context.name,
            protocol: peer.websocket.protocol,
            buffered: typeof peer.bufferedAmount,
            id: typeof peer.id,
          }));
        default:
          return void peer.send(text);
      }
    },
    close(peer, details) {
      closes.set(String(peer.context.name), { code: details.code, reason: details.reason });
    },
  },
} satisfies ServeOptions;

/** Send `count` 64 KiB messages (random: compression cannot shrink them), one per timer tick, while the peer stays open. */
function flood(peer: { send(data: unknown): unknown; readonly websocket: { readyState?: number } }, count: number): void {
  const chunk = new Uint8Array(64 * 1024);
  for (let at = 0; at < chunk.length; at += 65536) crypto.getRandomValues(chunk.subarray(at, at + 65536));
  let sent = 0;
  const tick = () => {
    if (peer.websocket.readyState !== 1 || sent++ >= count) return;
    peer.send(chunk);
    setTimeout(tick, 0);
  };
  tick();
}
