/**
 * The soak's app (bench/soak.ts): hello on every path, `/upload` reads the
 * whole body and answers its length, and every WebSocket joins one room and
 * publishes what it receives to everyone else there.
 */
interface Peer {
  subscribe(topic: string): void;
  publish(topic: string, data: string): void;
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method === "POST") return new Response(String((await request.arrayBuffer()).byteLength));
    return new Response("hello");
  },
  websocket: {
    open(peer: Peer): void {
      peer.subscribe("room");
    },
    message(peer: Peer, message: { text(): string }): void {
      peer.publish("room", message.text());
    },
  },
};
