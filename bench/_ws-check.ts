/**
 * Correctness check for the broadcast scenario: two clients in the room, a
 * message from one must reach the other.
 * @module
 */
import WebSocket from "ws";
import { sleep } from "./_stats.ts";

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

/** Resolve once a message sent by one client reached another (on `other`, another instance, if given); throw why not. */
export async function checkBroadcast(url: string, timeoutMs = 3000, other: string = url): Promise<void> {
  const a = await open(url);
  const b = await open(other).catch((error) => {
    a.terminate();
    throw error;
  });
  try {
    const got = new Promise<string>((resolve) => b.once("message", (data) => resolve(String(data))));
    const deadline = Date.now() + timeoutMs;
    let received: string | undefined;
    got.then((text) => (received = text));
    // Subscribing happens in the server's open hook; resend until it has run.
    while (received === undefined && Date.now() < deadline) {
      a.send("check");
      await sleep(100);
    }
    if (received !== "check") {
      throw new Error(received === undefined ? "no message reached the other client" : `got ${JSON.stringify(received)}`);
    }
  } finally {
    a.terminate();
    b.terminate();
  }
}
