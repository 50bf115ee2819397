/** Headless Chromium from Debian (`/usr/bin/chromium`), driven by playwright-core, for the browser tests. */
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium with the common flags, plus `extra` (for example one trusting a test certificate). */
export function launchChromium(extra: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: [...ARGS, ...extra] });
}

/** One Chromium for the enclosing file or describe block: launched in beforeAll, closed in afterAll. */
export function chromiumForTests(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}
