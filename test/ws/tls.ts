/**
 * WebSockets over TLS (wss://): the WebSocket fixture served with --cert/--key
 * on each runtime, reached with a client that verifies the certificate.
 */
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
  });
}
