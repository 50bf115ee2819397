/** Server lifecycle: waitUntil, reload, idleTimeout, graceful and deadline stops. */
import net from "node:net";
import { describe, expect, test } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function server(s: Suite): void {
  const { exception } = s;
  const sleep = s.sleep;
  describe("server", () => {
    test("ctx.waitUntil work runs after the response is sent", async () => {
      const id = `w-${Math.random()}`;
      expect(await (await s.fetch(`${s.url()}/wait-until?id=${id}`)).text()).toBe("scheduled");
      let status = "pending";
      for (let i = 0; i < 40 && status !== "done"; i++) {
        await sleep(25);
        status = await (await s.fetch(`${s.url()}/wait-until/status?id=${id}`)).text();
      }
      expect(status).toBe("done");
    });

    // The cases from here on each start a server of their own and share nothing, so they run side by side:
    // the 10 s deadline below waits, it does not work, and the others fit inside it.
    test.concurrent("SIGTERM with a request that never finishes exits 0 after the 10 s deadline", async () => {
      const own = await s.start("test/fixture/hang.ts");
      const hanging = s.fetch(`${own.url}/hang`).then(() => "answered", () => "dropped");
      await sleep(200);
      const code = await own.stop(20_000);
      expect(code).toBe(0);
      expect(await hanging).toBe("dropped");
      expect(own.stderr()).toMatch(/in-flight requests did not finish within 10 s; closing them/);
    }, 30_000);

    test.concurrent("server.reload() swaps fetch for new requests without dropping the connection", async () => {
      const own = await s.start("test/fixture/reload.ts");
      try {
        const { responses, closed } = await s.exchange(own.url, [get(own.url, "/"), get(own.url, "/swap"), get(own.url, "/")], {
          responses: 3,
        });
        expect(responses.map((r) => r.body.toString())).toEqual(["v1", "swapped", "v2"]);
        expect(closed).toBe(false);
      } finally {
        await own.stop();
      }
    });

    s.http1Only.concurrent("idleTimeout closes a keep-alive connection that stays idle", async () => {
      const own = await s.start("test/fixture/idle.ts");
      try {
        const { hostname, port } = new URL(own.url);
        const socket = net.connect(Number(port), hostname);
        const closed = new Promise<string>((resolve) => {
          socket.on("close", () => resolve("closed"));
          socket.on("error", () => {});
        });
        socket.resume();
        socket.write(get(own.url, "/"));
        // Bounded wait: 1 s idle timeout, generous slack for a busy machine.
        const outcome = await Promise.race([closed, sleep(6000).then(() => "open")]);
        socket.destroy();
        expect(outcome).toBe(exception("noIdleTimeout") ? "open" : "closed");
      } finally {
        await own.stop();
      }
    });

    test.concurrent("SIGTERM stops gracefully: in-flight requests finish, new connections are refused, exit 0", async () => {
      const own = await s.start("test/fixture/http-app.ts");
      const inflight = s.fetch(`${own.url}/slow?ms=700`).then((r) => r.text(), () => "reset");
      await sleep(200);
      const exited = own.stop();
      await sleep(150);
      const refused = await s.fetch(`${own.url}/hello`).then(() => "served", () => "refused");
      expect(await inflight).toBe(exception("denoH2StopCancels") && s.protocol !== "http/1.1" ? "reset" : "slow done");
      expect(refused).toBe("refused");
      expect(await exited).toBe(0);
    });
  });
}
