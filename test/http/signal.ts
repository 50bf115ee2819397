/** request.signal: aborted on a client disconnect, never after a normal response. */
import net from "node:net";
import { describe, expect, test } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function signal(s: Suite): void {
  const sleep = s.sleep;
  describe("request.signal", () => {
    s.http1Only("request.signal aborts when the client disconnects before the response", async () => {
      const id = `hold-${Math.random()}`;
      const { hostname, port } = new URL(s.url());
      const socket = net.connect(Number(port), hostname);
      socket.write(get(s.url(), `/signal/hold?id=${id}`));
      await sleep(300);
      socket.destroy();
      let status = "";
      for (let i = 0; i < 50 && status !== "aborted"; i++) {
        await sleep(50);
        status = await (await s.fetch(`${s.url()}/signal/status?id=${id}`)).text();
      }
      expect(status).toBe("aborted");
    });

    test("request.signal never aborts after a normal response, a bodiless DELETE cloned by the handler too", async () => {
      const seen: string[] = [];
      // The clone opens the request's body stream (Node over HTTP/2 took the response for cut then).
      for (const [method, query] of [["GET", ""], ["DELETE", "&clone"]]) {
        const id = `quick-${Math.random()}`;
        const { responses } = await s.exchange(s.url(), get(s.url(), `/signal/quick?id=${id}${query}`, "Connection: close\r\n", method));
        expect(responses[0].body.toString()).toBe("quick");
        await sleep(300);
        seen.push(`${method} ${await (await s.fetch(`${s.url()}/signal/status?id=${id}`)).text()}`);
      }
      expect(seen).toEqual(["GET not-aborted", "DELETE not-aborted"]);
    });
  });
}
