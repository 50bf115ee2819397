/**
 * examples/static end to end: headless Chromium loads the site from the same
 * command on each runtime; the page renders with its stylesheet, the image
 * loads, and the script (sent precompressed) runs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Runtime } from "../src/types.ts";
import { chromiumForTests } from "./support/chromium.ts";
import { decode } from "./support/decode.ts";
import { served } from "./support/served.ts";

const PUBLIC = "examples/static/public";
const browser = chromiumForTests();

test("examples/static: each precompressed sibling of app.js decodes to app.js", () => {
  const js = readFileSync(`${PUBLIC}/app.js`);
  for (const [ext, coding] of [["br", "br"], ["gz", "gzip"], ["zst", "zstd"]]) {
    expect(decode(coding, readFileSync(`${PUBLIC}/app.js.${ext}`)).equals(js), ext).toBe(true);
  }
});

for (const runtime of ["node", "deno", "bun"] as Runtime[]) {
  describe(`examples/static in Chromium on ${runtime}`, () => {
    const server = served("examples/static/app.ts", runtime, {}, 30_000);

    test("examples/static renders, loads its image and runs its precompressed script", async () => {
      const page = await browser().newPage();
      const encodings = new Map<string, string | undefined>();
      page.on("response", (response) => {
        encodings.set(new URL(response.url()).pathname, response.headers()["content-encoding"]);
      });
      try {
        const response = await page.goto(`${server().url}/`);
        expect(response?.status()).toBe(200);
        await page.waitForSelector("#status[data-ran=yes]", { timeout: 10_000 });
        expect(await page.textContent("h1")).toBe("Served by omniserve");
        expect(await page.textContent("#status")).toBe("JavaScript ran; the image is 64x64.");
        // The stylesheet applied.
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(240, 244, 255)");
        // Chromium accepts gzip, deflate, br and zstd: app.js comes from app.js.br, the HTML and CSS compressed on the fly.
        expect(Object.fromEntries(encodings)).toEqual({ "/": "br", "/style.css": "br", "/app.js": "br", "/logo.png": undefined });
      } finally {
        await page.close();
      }
    }, 60_000);
  });
}
