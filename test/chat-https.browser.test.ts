/**
 * examples/chat over HTTPS in headless Chromium, on each runtime: the page
 * arrives over HTTP/2 (ALPN h2) with a certificate made at test time, which
 * Chromium trusts by its public key hash alone (not "ignore all errors"), and
 * two pages chat over wss.
 */
import { createHash, X509Certificate } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Runtime } from "../src/types.ts";
import { launchChromium } from "./support/chromium.ts";
import { testCertificate } from "./support/cert.ts";
import { servedBy, startLocal } from "./support/served.ts";

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what `--ignore-certificate-errors-spki-list` takes. */
function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

let browser: Browser | undefined;
beforeAll(async () => {
  const { ca } = await testCertificate();
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHash(ca)}`]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Join `room` as `name` on a fresh page; resolves once the page says it is connected. */
async function join(url: string, name: string, sockets: string[]): Promise<Page> {
  const page = await browser!.newPage();
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await page.goto(url);
  await page.fill("#name", name);
  await page.selectOption("#room", "dev");
  await page.click("#join button");
  await page.waitForSelector("#status:text('connected to #dev')", { timeout: 10_000 });
  return page;
}

/** Resolves once the chat log of `page` has a line by `name` saying `text`. */
function line(page: Page, name: string, text: string): Promise<unknown> {
  return page.waitForFunction(
    ([name, text]) => [...document.querySelectorAll("#log li")].some((li) => li.textContent === name + text),
    [name, text],
    { timeout: 10_000 },
  );
}

/** examples/chat on `runtime` over HTTPS with the test certificate (HTTP/2 is on by default with TLS). */
function chatOverHttps(runtime: Runtime) {
  return servedBy(async () => {
    const { certFile, keyFile } = await testCertificate();
    return startLocal("examples/chat/app.ts", runtime, { certFile, keyFile });
  }, 30_000);
}

for (const runtime of ["node", "deno", "bun"] as Runtime[]) {
  describe(`examples/chat over HTTPS in Chromium on ${runtime}`, () => {
    const server = chatOverHttps(runtime);

    test("examples/chat page comes over h2, trusted by the test certificate's key hash", async () => {
      const page = await browser!.newPage();
      try {
        expect(server().url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const response = await page.goto(`${server().url}/`);
        expect(response?.status()).toBe(200);
        expect(await page.textContent("h1")).toBe("omniserve chat");
        const protocol = await page.evaluate(() => (performance.getEntries()[0] as PerformanceNavigationTiming).nextHopProtocol);
        expect(protocol).toBe("h2");
      } finally {
        await page.close();
      }
    }, 60_000);

    test("examples/chat: two pages exchange a message over wss", async () => {
      const sockets: string[] = [];
      const alice = await join(`${server().url}/`, "alice", sockets);
      try {
        const bob = await join(`${server().url}/`, "bob", sockets);
        try {
          await line(alice, "server", "bob joined");
          await bob.fill("#text", "hello over wss");
          await bob.click("#send");
          await line(alice, "bob", "hello over wss");
          await line(bob, "bob", "hello over wss");
          expect(sockets).toHaveLength(2);
          for (const url of sockets) expect(url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws\?/);
        } finally {
          await bob.close();
        }
      } finally {
        await alice.close();
      }
    }, 60_000);
  });
}
