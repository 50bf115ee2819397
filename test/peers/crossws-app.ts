/**
 * crossws's demo hooks (its test/fixture/_shared.ts `createDemo`) served by omniserve with permessage-deflate,
 * and the demo's HTTP routes (`handleDemoRoutes`) in front of its index page. The adapter-instance API those
 * routes use is emulated here, outside omniserve: `peers` (by namespace) kept by the open and close hooks,
 * `publish` through `server.publish`.
 * @module
 */
import type { Peer, Server, ServeOptions, WebSocketOptions } from "../../src/types.ts";
import { peerModule } from "./_peers.ts";

const demo = await import(peerModule("crossws", "test", "fixture", "_shared.ts"));

const peers = new Map<string, Set<Peer>>();
let server: Server | undefined;
const adapterInstance = {
  peers,
  publish(topic: string, message: string) {
    server?.publish(topic, message);
  },
};

let hooks: WebSocketOptions = {};
demo.createDemo((options: { hooks: WebSocketOptions }) => {
  hooks = options.hooks;
  return adapterInstance;
});

function join(peer: Peer) {
  const set = peers.get(peer.namespace) ?? new Set();
  peers.set(peer.namespace, set.add(peer));
}

function leave(peer: Peer) {
  const set = peers.get(peer.namespace);
  set?.delete(peer);
  if (set?.size === 0) peers.delete(peer.namespace);
}

export default {
  async fetch(request, ctx) {
    server = ctx.server;
    const routed: Response | undefined = demo.handleDemoRoutes(adapterInstance, request);
    return routed ?? new Response(await demo.getIndexHTML(), { headers: { "content-type": "text/html" } });
  },
  websocket: {
    ...hooks,
    perMessageDeflate: true,
    open(peer) {
      join(peer);
      return hooks.open?.(peer);
    },
    close(peer, details) {
      leave(peer);
      return hooks.close?.(peer, details);
    },
  },
} satisfies ServeOptions;
