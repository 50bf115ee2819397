/**
 * `npm test`'s first step: the real clients and servers the tests use (curl,
 * openssl, h2load, wrk, Chromium, redis-server, nginx) are there, installed
 * with apt-get when we are root on Debian; otherwise one line says what to
 * install and the tests do not start.
 * @module
 */
import process from "node:process";
import { ensureTools, installHint, PACKAGES } from "../../bench/_tools.ts";

const missing = ensureTools(Object.keys(PACKAGES), "npm test");
if (missing.length) {
  process.stderr.write(installHint(missing, "npm test") + "\n");
  process.exit(1);
}
