/**
 * WebSockets over TLS (wss://): the WebSocket fixture served with --cert/--key
 * on each runtime, reached with a client that verifies the certificate.
 */
import tls from "node:tls";
import { describe, expect, test } from "vitest";
import WebSocket from "ws";
import type { Runtime } from "../../src/types.ts";
import { startTlsServer } from "../support/cert.ts";
import { servedBy } from "../support/served.ts";

export function wssConformance(runtime: Runtime): void {
  describe(`wss on ${runtime}`, () => {
    let ca: string;
    const server = servedBy(async () => {
      const started = await startTlsServer("test/fixture/ws-app.ts", runtime);
      ca = started.ca;
      return started.server;
    });

    test("a wss:// client upgrades and echoes, and peer.request.url has the https scheme", async () => {
      const url = server().url.replace("https://", "wss://");
      const ws = new WebSocket(`${url}/echo?name=tls`, { ca });
      const messages: string[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.on("message", (data) => {
          messages.push(String(data));
          if (messages.length === 1) ws.send("over tls");
          else if (messages.length === 2) ws.send("url");
          else resolve();
        });
        ws.on("error", reject);
      });
      ws.close();
      expect(messages).toEqual(["hello 127.0.0.1", "over tls", `${server().url}/echo?name=tls`]);
    });

    test("the wss server is an HTTP/2 server: ALPN gives h2 to a client that asks, and WebSocket upgrades over HTTP/1.1 on the same port", async () => {
      const { hostname, port } = new URL(server().url);
      const alpn = await new Promise<string | false | null>((resolve, reject) => {
        const socket = tls.connect({ host: hostname, port: Number(port), ca, ALPNProtocols: ["h2", "http/1.1"] }, () => {
          resolve(socket.alpnProtocol);
          socket.destroy();
        });
        socket.on("error", reject);
      });
      expect(alpn).toBe("h2");
      const ws = new WebSocket(`${server().url.replace("https://", "wss://")}/echo?name=h2`, { ca });
      const first = await new Promise<string>((resolve, reject) => {
        ws.once("message", (data) => resolve(String(data)));
        ws.on("error", reject);
      });
      ws.close();
      expect(first).toBe("hello 127.0.0.1");
    });
  });
}
