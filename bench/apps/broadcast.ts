/**
 * Scenario "broadcast": every client joins one room; each message goes to
 * everyone else in it. Written once in the crossws hook style, so omniserve
 * and srvx + crossws serve this same module.
 */
interface Peer {
  subscribe(topic: string): void;
  publish(topic: string, data: string): void;
}

export default {
  fetch: (): Response => new Response("WebSocket only", { status: 426 }),
  websocket: {
    open(peer: Peer): void {
      peer.subscribe("room");
    },
    message(peer: Peer, message: { text(): string }): void {
      peer.publish("room", message.text());
    },
  },
};
