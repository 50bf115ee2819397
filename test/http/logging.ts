/**
 * Every failure is logged once, the same way (issue 10): a response stream
 * that fails mid-way gives one line; a client that leaves mid-upload is the
 * client's choice, not a server error, and gives none; an error's line names
 * it (a DOMException by its name, not its numeric legacy code).
 */
import net from "node:net";
import { describe, expect, test } from "vitest";
import { exchange, get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function logging(s: Suite): void {
  const { exception } = s;
  describe("logging", () => {
    test("a response stream that fails mid-way is logged once", async () => {
      const logged = s.server().stderr().length;
      await exchange(s.url(), get(s.url(), "/stream-error"));
      await s.sleep(300);
      const log = s.server().stderr().slice(logged);
      expect(log.match(/stream broke on purpose/g)).toHaveLength(1);
      if (exception("denoStreamErrorOwnLine")) {
        // Deno prints the error and its stack itself; omniserve adds nothing.
        expect(log).not.toMatch(/^omniserve: /m);
        expect(log).toMatch(/^Error: stream broke on purpose\n {4}at .*http-app\.ts/);
      } else {
        expect(log).toBe("omniserve: ERR_RESPONSE_STREAM response stream failed after the headers were sent: stream broke on purpose\n");
      }
    });

    test("a handler's DOMException is logged by its name, not its numeric legacy code", async () => {
      const logged = s.server().stderr().length;
      expect((await exchange(s.url(), get(s.url(), "/throw-dom"))).responses[0].status).toBe(500);
      await s.sleep(100);
      const line = s.server().stderr().slice(logged).split("\n")[0];
      expect(line).toBe("omniserve: GET /throw-dom: AbortError aborted on purpose");
    });

    test("a client that leaves mid-upload is not logged as a server error", async () => {
      const logged = s.server().stderr().length;
      const { hostname, port } = new URL(s.url());
      for (const path of ["/body/text", "/body/stream", "/body/bytes"]) {
        const socket = net.connect(Number(port), hostname);
        socket.on("error", () => {});
        socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${"a".repeat(1000)}`);
        await s.sleep(300);
        socket.destroy();
      }
      await s.sleep(500);
      // ...and the server keeps serving.
      expect((await exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
      expect(s.server().stderr().slice(logged)).toBe("");
    });
  });
}
