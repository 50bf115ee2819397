/**
 * Every failure is logged once, the same way (issue 10): a response stream
 * that fails mid-way gives one line; a client that leaves mid-upload is the
 * client's choice, not a server error, and gives none; an error's line names
 * it (a DOMException by its name, not its numeric legacy code). Over HTTP/2 a
 * client leaves by resetting its stream (CANCEL) or by dropping the whole
 * connection.
 */
import http2 from "node:http2";
import net from "node:net";
import { describe, expect, test } from "vitest";
import { connect } from "../support/h2-client.ts";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

const PATHS = ["/body/text", "/body/stream", "/body/bytes"];

/** An HTTP/1.1 client that sends part of each body, then closes its TCP connection. */
async function leaveHttp1(s: Suite): Promise<void> {
  const { hostname, port } = new URL(s.url());
  for (const path of PATHS) {
    const socket = net.connect(Number(port), hostname);
    socket.on("error", () => {});
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${"a".repeat(1000)}`);
    await s.sleep(300);
    socket.destroy();
  }
}

/**
 * An HTTP/2 client that sends part of each body, then resets the stream (the connection goes on, and
 * answers /hello after), and one that drops its connection mid-body. Resolves the /hello body.
 */
async function leaveHttp2(s: Suite): Promise<string> {
  const session = connect(s.url(), s.ca());
  for (const path of PATHS) {
    for (const drop of [false, true]) {
      const own = drop ? connect(s.url(), s.ca()) : session;
      const stream = own.request({ ":method": "POST", ":path": path, "content-length": "100000" });
      stream.on("error", () => {});
      stream.write("a".repeat(1000));
      await s.sleep(300);
      if (drop) own.destroy();
      else stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }
  const again = session.request({ ":path": "/hello" });
  let body = "";
  again.setEncoding("utf8").on("data", (chunk) => (body += chunk));
  await new Promise((resolve) => again.on("close", resolve));
  session.close();
  return body;
}

export function logging(s: Suite): void {
  const { exception } = s;
  describe("logging", () => {
    test("a response stream that fails mid-way is logged once", async () => {
      const logged = s.server().stderrLength();
      await s.exchange(s.url(), get(s.url(), "/stream-error"));
      await s.sleep(300);
      const log = s.server().stderr(logged);
      expect(log.match(/stream broke on purpose/g)).toHaveLength(1);
      if (exception("denoStreamErrorOwnLine")) {
        // Deno prints the error and its stack itself; omniserve adds nothing.
        expect(log).not.toMatch(/^omniserve: /m);
        expect(log).toMatch(/^Error: stream broke on purpose\n {4}at .*http-app\.ts/);
      } else {
        expect(log).toBe("omniserve: ERR_RESPONSE_STREAM response stream failed after the headers were sent: stream broke on purpose\n");
      }
    });

    test("stream chunks may be strings, ArrayBuffers or any view; anything else fails the body, logged once", async () => {
      const sent = { string: "one,tw\u00f6", arraybuffer: "one,ab", dataview: "one,dv", uint16: "one,hi" };
      if (exception("denoStreamChunksUint8ArrayOnly")) {
        // Every chunk but a Uint8Array breaks the body after what came before it; Deno logs its own TypeError.
        for (const kind of [...Object.keys(sent), "number", "blob"]) {
          const logged = s.server().stderrLength();
          const { responses } = await s.exchange(s.url(), get(s.url(), `/stream-chunk?kind=${kind}`), { timeoutMs: 2000 });
          expect([kind, responses[0]?.status, responses[0]?.complete]).toEqual([kind, 200, false]);
          await s.sleep(300);
          const log = s.server().stderr(logged);
          expect([kind, log.match(/^TypeError: expected typed ArrayBufferView$/gm)?.length, /^omniserve: /m.test(log)]).toEqual([kind, 1, false]);
        }
        return;
      }
      for (const [kind, body] of Object.entries(sent)) {
        const { responses } = await s.exchange(s.url(), get(s.url(), `/stream-chunk?kind=${kind}`));
        expect([kind, responses[0]?.status, responses[0]?.body.toString(), responses[0]?.complete]).toEqual([kind, 200, body, true]);
      }
      for (const kind of ["number", "blob"]) {
        const logged = s.server().stderrLength();
        const { responses } = await s.exchange(s.url(), get(s.url(), `/stream-chunk?kind=${kind}`), { timeoutMs: 2000 });
        expect([kind, responses[0]?.complete]).not.toEqual([kind, true]);
        await s.sleep(300);
        const log = s.server().stderr(logged);
        expect(log.match(/a response stream chunk must be bytes or a string/g), kind).toHaveLength(1);
        expect(log, kind).toMatch(/^omniserve: ERR_RESPONSE_STREAM /);
      }
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    test("a handler's DOMException is logged by its name, not its numeric legacy code", async () => {
      const logged = s.server().stderr().length;
      expect((await s.exchange(s.url(), get(s.url(), "/throw-dom"))).responses[0].status).toBe(500);
      await s.sleep(100);
      const line = s.server().stderr().slice(logged).split("\n")[0];
      expect(line).toBe("omniserve: GET /throw-dom: AbortError aborted on purpose");
    });

    test("a client that leaves mid-upload is not logged as a server error", async () => {
      const logged = s.server().stderrLength();
      if (s.protocol === "http/1.1") await leaveHttp1(s);
      else expect(await leaveHttp2(s)).toBe("Hello, World!");
      await s.sleep(500);
      // ...and the server keeps serving.
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
      expect(s.server().stderr(logged)).toBe("");
    });
  });
}
