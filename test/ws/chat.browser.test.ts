/**
 * examples/chat end to end: two headless Chromium pages chat through the
 * server on each runtime and see each other's lines; a third page in another
 * room sees none of them.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../../src/types.ts";
import { chromiumForTests } from "../support/chromium.ts";
import { served } from "../support/served.ts";

const RUNTIMES: Runtime[] = ["node", "deno", "bun"];

const browser = chromiumForTests();

async function join(url: string, name: string, room: string): Promise<Page> {
  const page = await browser().newPage();
  await page.goto(url);
  await page.fill("#name", name);
  await page.selectOption("#room", room);
  await page.click("#join button");
  await page.waitForSelector("#text:not([disabled])", { timeout: 10_000 });
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.click("#send");
}

function seen(page: Page, text: string): Promise<unknown> {
  return page.waitForFunction(
    (t) => [...document.querySelectorAll("#log li")].some((li) => li.textContent === t),
    text,
    { timeout: 10_000 },
  );
}

for (const runtime of RUNTIMES) {
  describe(`examples/chat in Chromium on ${runtime}`, () => {
    const server = served("examples/chat/app.ts", runtime, {}, 30_000);

    test("two pages in one room see each other's messages", async () => {
      const alice = await join(server().url, "alice", "lobby");
      const bob = await join(server().url, "bob", "lobby");
      const carol = await join(server().url, "carol", "random");
      try {
        await seen(alice, "serverbob joined");
        await say(alice, `hi bob from ${runtime}`);
        await seen(bob, `alicehi bob from ${runtime}`);
        await seen(alice, `alicehi bob from ${runtime}`);
        await say(bob, "hello alice");
        await seen(alice, "bobhello alice");
        const rooms = await (await fetch(`${server().url}/api/rooms`)).json();
        expect(rooms).toEqual([
          { room: "lobby", online: 2 },
          { room: "random", online: 1 },
          { room: "dev", online: 0 },
        ]);
        await say(carol, "anyone?");
        await seen(carol, "carolanyone?");
        const carolLog = await carol.locator("#log li").allTextContents();
        expect(carolLog.some((t) => t.includes("alice") || t.includes("bob"))).toBe(false);
        const aliceLog = await alice.locator("#log li").allTextContents();
        expect(aliceLog.filter((t) => t === `alicehi bob from ${runtime}`)).toHaveLength(1);
        expect(aliceLog.some((t) => t.includes("carol"))).toBe(false);
      } finally {
        await Promise.all([alice.close(), bob.close(), carol.close()]);
      }
    }, 60_000);
  });
}
