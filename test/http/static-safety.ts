/**
 * serveStatic() safety and bad input: a table of paths that try to reach
 * outside the root (each gets 403 or 404, never a file's bytes), dotfiles,
 * a missing root, junk headers, and a 1 GiB file read by a slow client.
 */
import { closeSync, existsSync, lstatSync, mkdtempSync, openSync, rmSync, ftruncateSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { get, header } from "../support/http-client.ts";
import { servedBy } from "../support/served.ts";
import { bytesOf } from "../support/static-site.ts";
import type { Suite } from "./_suite.ts";
import { ask } from "./static.ts";

/**
 * Request targets, sent as written (no client normalises them), and the
 * status each gets. The URL is resolved the WHATWG way first (as Bun does
 * before JavaScript sees it), so `..` cannot climb above `/`: a path that
 * climbs lands inside the root and finds nothing (404); one that hides a
 * separator, a NUL or bad UTF-8 in an escape, or names a dotfile or a
 * symlink out of the root, is refused (403).
 */
const ATTACKS: [string, 403 | 404][] = [
  ["/../static-outside/secret.txt", 404],
  ["/../../static-outside/secret.txt", 404],
  ["/sub/../../static-outside/secret.txt", 404],
  ["/%2e%2e/static-outside/secret.txt", 404],
  ["/%2E%2E/static-outside/secret.txt", 404],
  ["/.%2e/static-outside/secret.txt", 404],
  ["/%2e%2e%2fstatic-outside%2fsecret.txt", 403],
  ["/..%2fstatic-outside%2fsecret.txt", 403],
  ["/..%2F..%2F..%2Fetc%2Fpasswd", 403],
  ["/sub%2f..%2f..%2fstatic-outside%2fsecret.txt", 403],
  ["/..%5cstatic-outside%5csecret.txt", 403],
  ["/..%5C..%5Cetc%5Cpasswd", 403],
  ["/..\\static-outside\\secret.txt", 404],
  ["/sub\\..\\..\\static-outside\\secret.txt", 404],
  ["/%252e%252e/static-outside/secret.txt", 404],
  ["/text.txt%00.png", 403],
  ["/%00", 403],
  ["/sub/%00/../text.txt", 404],
  ["/%c0%ae%c0%ae/static-outside/secret.txt", 403],
  ["/%c0%af", 403],
  ["/%e0%80%ae%e0%80%ae/secret.txt", 403],
  ["/%ff/text.txt", 403],
  ["/%zz", 403],
  ["/%", 403],
  ["//static-outside/secret.txt", 403],
  ["/sub//index.html", 403],
  ["/link-out.txt", 403],
  ["/dir-out/secret.txt", 403],
  ["/dir-out/", 403],
  ["/link-abs", 403],
  ["/.env", 403],
  ["/%2eenv", 403],
  ["/%2Eenv", 403],
  ["/.hidden/x.txt", 403],
  ["/sub/../.env", 403],
  ["/.ENV", 403],
  ["/TEXT.TXT", 404],
  ["/Text.txt", 404],
  ["/etc/passwd", 404],
  ["/%2fetc%2fpasswd", 403],
  ["/text.txt%0a", 403],
  ["/text.txt%20", 404],
  ["/text.txt.", 404],
  ["/text.txt::$DATA", 404],
  ["/dot-ignore/.env", 404],
];

export function staticSafety(s: Suite): void {
  describe("serveStatic() safety", () => {
    const server = servedBy(() => s.start("test/fixture/static-app.ts"));

    test(`serveStatic() refuses ${ATTACKS.length} paths that try to leave the root, with 403 or 404 and never a file's bytes`, async () => {
      expect(ATTACKS.length).toBeGreaterThanOrEqual(30);
      for (const [target, status] of ATTACKS) {
        const res = await ask(s, server().url, target);
        expect([res.status, res.body.toString()], target).toEqual([status, status === 403 ? "Forbidden" : "Not Found"]);
      }
      // The same files are there for the asking, where they are allowed.
      expect((await ask(s, server().url, "/dot-allow/.env")).body.toString()).toBe("SECRET_DOTFILE=1\n");
      expect((await ask(s, server().url, "/dot-allow/.hidden/x.txt")).body.toString()).toBe("SECRET_HIDDEN\n");
    });

    test("serveStatic() answers junk headers as the RFCs say and keeps serving", async () => {
      const junk = "x".repeat(10 * 1024);
      const parts = Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(",");
      const cases: [Record<string, string>, number, string?][] = [
        [{ "accept-encoding": junk }, 200],
        [{ "accept-encoding": `${"a,".repeat(5000)}br` }, 200, "br"],
        [{ "accept-encoding": `${";q=0.5".repeat(1500)}` }, 200],
        [{ range: `bytes=${parts}` }, 200],
        [{ range: `bytes=${"9".repeat(5000)}-` }, 416],
        [{ range: `bytes=0-${"9".repeat(5000)}` }, 206],
        [{ range: junk }, 200],
        [{ "if-none-match": junk }, 200],
        [{ "if-none-match": `W/${'"'.repeat(5000)}` }, 200],
        [{ "if-modified-since": junk }, 200],
        [{ "if-range": junk, range: "bytes=0-9" }, 200],
      ];
      for (const [headers, status, coding] of cases) {
        const res = await ask(s, server().url, "/pre/app.js", headers);
        const label = JSON.stringify(headers).slice(0, 60);
        expect([res.status, header(res, "content-encoding")], label).toEqual([status, coding]);
      }
      expect((await ask(s, server().url, "/small.txt")).body.toString()).toBe("tiny\n");
    });

    test("serveStatic() opens a file only to send it: Responses the app drops unsent hold no file", async () => {
      const { opened } = await (await s.fetch(`${server().url}/__dropped`)).json();
      expect(opened).toBe(s.exception("denoFileOpenedEarly") ? 50 : 0);
    });

    test("serveStatic() with a root that does not exist fails at start-up with ERR_STATIC_ROOT's sentence", async () => {
      await expect(s.start("test/fixture/static-app.ts", { STATIC_ROOT: "/no/such/folder" })).rejects.toThrow(
        /serveStatic\(\): root \/no\/such\/folder does not exist/,
      );
      await expect(s.start("test/fixture/static-app.ts", { STATIC_ROOT: "test/fixture/static/text.txt" })).rejects.toThrow(
        /root test\/fixture\/static\/text.txt is not a folder/,
      );
    });

    describe("a file that changes", () => {
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), "omniserve-static-"));
        writeFileSync(join(dir, "f.txt"), "first");
        writeFileSync(`${dir}-outside.txt`, "outside");
      });
      afterAll(() => {
        rmSync(dir, { recursive: true, force: true });
        rmSync(`${dir}-outside.txt`, { force: true });
      });
      // A long idle timeout: a connection that closes in the cut-short case below was closed for the cut, not for idling.
      const changing = servedBy(() => s.start("test/fixture/static-app.ts", { STATIC_ROOT: dir, IDLE_TIMEOUT: "200" }));

      test("serveStatic() sends a file that changed with its new bytes, length and validators, and refuses it once it is a symlink out", async () => {
        const seen = async (headers: Record<string, string> = {}) => {
          const r = await ask(s, changing().url, "/f.txt", headers);
          return { status: r.status, length: header(r, "content-length"), etag: header(r, "etag"), body: r.body.toString("latin1") };
        };
        const first = [await seen(), await seen()]; // asked twice: whatever is kept per URL or per file is kept now
        expect(first[1]).toMatchObject({ status: 200, length: "5", body: "first" });
        const file = join(dir, "f.txt");
        writeFileSync(file, "a longer second body");
        utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a new date even on a coarse clock
        const second = await seen();
        expect(second).toMatchObject({ status: 200, length: "20", body: "a longer second body" });
        expect(second.etag).not.toBe(first[1].etag);
        expect((await seen({ "if-none-match": first[1].etag! })).status).toBe(200);
        expect((await seen({ range: "bytes=2-7" })).body).toBe("longer");
        writeFileSync(file, "3rd");
        const third = new Date(Date.now() + 10000);
        utimesSync(file, third, third);
        expect(await seen()).toMatchObject({ status: 200, length: "3", body: "3rd" });
        // Same length, same date, other bytes: what is on disk now (a file object kept per size and date
        // must still read the file afresh).
        writeFileSync(file, "4th");
        utimesSync(file, third, third);
        expect(await seen()).toMatchObject({ status: 200, length: "3", body: "4th" });
        unlinkSync(file);
        expect((await seen()).status).toBe(404);
        symlinkSync(`${dir}-outside.txt`, file);
        expect((await seen()).status).toBe(403);
      });

      test("serveStatic() answers a file gone between its lookup and its open as a missing one (404 or the fallthrough; for a precompressed sibling, the file), nothing logged", async () => {
        const notFound = await ask(s, changing().url, "/never-there.txt");
        const fellThrough = await ask(s, changing().url, "/fall/never-there.txt");
        const logged = changing().stderrLength();
        // What is at the path now, so a case cannot pass without the swap.
        const onDisk = (path: string) => {
          const link = lstatSync(path, { throwIfNoEntry: false });
          return !link ? "gone" : link.isDirectory() ? "folder" : link.isSymbolicLink() && !existsSync(path) ? "dangling" : "file";
        };
        for (const how of ["gone", "folder", "dangling"]) {
          for (const fall of [false, true]) {
            const label = `${how}${fall ? " fall" : ""}`;
            writeFileSync(join(dir, "swap.txt"), "swapped out");
            const res = await ask(s, changing().url, `/__swap?how=${how}&name=swap.txt${fall ? "&fall" : ""}`);
            const expected = fall ? fellThrough : notFound;
            expect([res.status, onDisk(join(dir, "swap.txt")), header(res, "content-type")], label)
              .toEqual([expected.status, how, header(expected, "content-type")]);
            expect(res.body.toString(), label).toBe(expected.body.toString().replace("never-there", "swap"));
            rmSync(join(dir, "swap.txt"), { recursive: true, force: true });
          }
        }
        // Gone after the Response was made (middleware holding it): what a missing file gets where the runtime opens
        // the file to send it; Deno's Response holds the file open already and sends it as it was.
        for (const how of ["gone", "folder", "dangling"]) {
          writeFileSync(join(dir, "swap.txt"), "swapped out");
          const res = await ask(s, changing().url, `/__swap?how=${how}&name=swap.txt&late`);
          const expected = s.exception("denoFileOpenedEarly") ? [200, "swapped out"] : [notFound.status, notFound.body.toString()];
          expect([onDisk(join(dir, "swap.txt")), res.status, res.body.toString()], `${how} late`).toEqual([how, ...expected]);
          rmSync(join(dir, "swap.txt"), { recursive: true, force: true });
        }
        // A precompressed sibling gone since its lookup: the file itself goes out instead.
        writeFileSync(join(dir, "pre.txt"), "the file itself");
        writeFileSync(join(dir, "pre.txt.br"), "not really brotli");
        const res = await ask(s, changing().url, "/__swap?how=gone&name=pre.txt&swap=pre.txt.br&pre");
        expect([res.status, onDisk(join(dir, "pre.txt.br")), header(res, "content-encoding"), header(res, "vary"), res.body.toString()])
          .toEqual([200, "gone", undefined, "Accept-Encoding", "the file itself"]);
        await s.sleep(100);
        expect(changing().stderr(logged)).toBe("");
      });

      test("serveStatic() makes the ETag from the modification time in whole milliseconds, rounded toward zero", async () => {
        const { execFileSync } = await import("node:child_process");
        // Times in nanoseconds, set with touch(1), which takes them whole (utimes from JavaScript rounds to a double).
        const times: [string, bigint][] = [
          ["old.txt", -315619199876543211n], // 1959-12-31 23:58:43.876543211, before the epoch
          ["near.txt", 1577836800000999999n], // 0.000001 ms short of a whole millisecond
          ["whole.txt", 1577836800123000000n],
        ];
        for (const [name, ns] of times) {
          writeFileSync(join(dir, name), "x");
          const seconds = ns / 1_000_000_000n; // BigInt division rounds toward zero, as Deno's stat does
          const fraction = String((ns < 0n ? -ns : ns) % 1_000_000_000n).padStart(9, "0");
          execFileSync("touch", ["-d", `@${ns < 0n && seconds === 0n ? "-" : ""}${seconds}.${fraction}`, join(dir, name)]);
          expect(statSync(join(dir, name), { bigint: true }).mtimeNs, `${name}: the file system keeps nanoseconds`).toBe(ns);
          let ms = ns / 1_000_000n;
          // node:fs has the time as a double of milliseconds: within 0.12 µs below a whole millisecond it rounds up.
          if (name === "near.txt" && s.exception("mtimeAsDouble")) ms += 1n;
          const res = await ask(s, changing().url, `/${name}`);
          expect([res.status, header(res, "etag")], name).toEqual([200, `"${ms < 0n ? "-" + (-ms).toString(16) : ms.toString(16)}-1"`]);
        }
      });

      s.http1Only("serveStatic() closes the connection when the file is cut short while it is sent, never ending a short body cleanly", async () => {
        // Sparse, and far larger than the socket buffers can hold: most of it is still unread when it is cut.
        const SIZE = 64 * 1024 * 1024;
        const file = join(dir, "cut.bin");
        for (const range of ["", "Range: bytes=1-\r\n"]) {
          const fd = openSync(file, "w");
          ftruncateSync(fd, SIZE);
          closeSync(fd);
          const { hostname, port } = new URL(changing().url);
          const socket = net.connect(Number(port), hostname);
          socket.on("error", () => {}); // a reset is one way to say "short"
          const closed = new Promise<true>((resolve) => socket.once("close", () => resolve(true)));
          let received = 0;
          let head = "";
          await new Promise<void>((resolve) => {
            socket.on("data", (chunk: Buffer) => {
              if (!head) {
                head = chunk.toString("latin1").split("\r\n\r\n")[0];
                socket.pause(); // the head is out: cut the file now
                resolve();
              }
              received += chunk.length;
            });
            socket.write(get(changing().url, "/cut.bin", range));
          });
          truncateSync(file, 1024 * 1024);
          socket.resume();
          expect(head, range).toMatch(range ? /^HTTP\/1\.1 206/ : /^HTTP\/1\.1 200/);
          if (s.exception("bunCutFileKeptOpen")) {
            // Bun ends the body short and keeps the connection, as if the response were complete.
            expect(await Promise.race([closed, s.sleep(1500).then(() => false)]), range).toBe(false);
            socket.destroy();
          } else {
            expect(await closed, range).toBe(true);
          }
          expect(received, range).toBeLessThan(SIZE);
        }
      });
    });

    describe("a 1 GiB file", () => {
      const SIZE = 1024 * 1024 * 1024;
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), "omniserve-static-"));
        // Sparse: a GiB of zeros that takes no disk.
        const fd = openSync(join(dir, "big.bin"), "w");
        ftruncateSync(fd, SIZE);
        closeSync(fd);
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true })); // after the server stops: after-hooks run in reverse
      const big = servedBy(() => s.start("test/fixture/static-app.ts", { STATIC_ROOT: dir }));

      s.http1Only("serveStatic() sends a 1 GiB file to a slow client with memory flat", async () => {
        const memory = async () => (await (await s.fetch(`${big().url}/__memory`)).json()).rss as number;
        const before = await memory();
        const { hostname, port } = new URL(big().url);
        const socket = net.connect(Number(port), hostname);
        socket.write(get(big().url, "/big.bin", "Connection: close\r\n"));
        let received = 0;
        let head = "";
        await new Promise<void>((resolve) => {
          socket.on("data", (chunk: Buffer) => {
            if (!head) head = chunk.toString("latin1").split("\r\n\r\n")[0];
            received += chunk.length;
            if (received > 4 * 1024 * 1024) resolve();
          });
        });
        // Stop reading: a server that buffered would now pull the file into memory.
        socket.pause();
        await s.sleep(2000);
        const during = await memory();
        socket.destroy();
        expect(head).toMatch(/^HTTP\/1\.1 200/);
        expect(head.toLowerCase()).toContain(`content-length: ${SIZE}`);
        expect(during - before).toBeLessThan(64 * 1024 * 1024);
      });

      test("serveStatic() sends the last bytes of a 1 GiB file as a range", async () => {
        const { responses } = await s.exchange(big().url, get(big().url, "/big.bin", "Range: bytes=-16\r\n"));
        expect([responses[0].status, header(responses[0], "content-range"), responses[0].body.length]).toEqual([
          206,
          `bytes ${SIZE - 16}-${SIZE - 1}/${SIZE}`,
          16,
        ]);
      });
    });

    test("serveStatic() files reach curl whole, as ranges, and decoded with --compressed", async () => {
      const { execFileSync } = await import("node:child_process");
      const curl = (...args: string[]) => execFileSync("curl", ["-s", "--path-as-is", ...s.curl(), ...args], { maxBuffer: 1 << 24 });
      expect(curl(`${server().url}/text.txt`).equals(bytesOf("text.txt"))).toBe(true);
      expect(curl("-r", "0-99", `${server().url}/text.txt`).equals(bytesOf("text.txt").subarray(0, 100))).toBe(true);
      expect(curl("-r", "-10", `${server().url}/text.txt`).equals(bytesOf("text.txt").subarray(-10))).toBe(true);
      expect(curl("--compressed", `${server().url}/pre/app.js`).equals(bytesOf("app.js"))).toBe(true);
      expect(curl("--compressed", `${server().url}/gz/data.json`).equals(bytesOf("data.json"))).toBe(true);
      expect(curl("-o", "/dev/null", "-w", "%{http_code}", `${server().url}/../static-outside/secret.txt`).toString()).toBe("404");
      // HEAD of a refusal or a miss is headers only, also on Deno over HTTP/2 (which resets a HEAD stream whose
      // Response has a body: curl -I failed there with PROTOCOL_ERROR).
      for (const [path, status] of [["/missing.txt", "404"], ["/.env", "403"], ["/text.txt", "200"], ["/sub", "301"]]) {
        expect(curl("-I", "-o", "/dev/null", "-w", "%{http_code}", `${server().url}${path}`).toString(), path).toBe(status);
      }
    });
  });
}
