/**
 * The omniserve CLI, run as a user runs it: `node bin/omniserve.js ...`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import tls from "node:tls";
import { cli, serveCli } from "./support/cli.ts";
import { testCertificate } from "./support/cert.ts";
import { testPki } from "./support/pki.ts";
import { once } from "./support/tls-client.ts";
import { startLocal } from "./support/served.ts";
import type { Runtime } from "../src/types.ts";

const RUNTIMES: Runtime[] = ["node", "deno", "bun"];

describe.each(RUNTIMES)("omniserve serve on %s", (runtime) => {
  test.each(["app.mts", "app.js", "app.mjs", "cjs/app.ts", "cjs/app.jsx"])("serve loads a %s module", async (file) => {
    const server = await startLocal(`test/fixture/formats/${file}`, runtime);
    try {
      expect(await (await fetch(server.url)).text()).toBe(file.startsWith("cjs/") ? "cjs" : file.split(".")[1]);
    } finally {
      await server.stop();
    }
  });

  test("serve loads imports written without an extension, with .js for a .ts file, or naming a folder (Deno only with sloppy imports)", async () => {
    const server = await startLocal("test/fixture/formats/bare/app.ts", runtime);
    try {
      expect(await (await fetch(server.url)).text()).toBe("lib util dir");
    } finally {
      await server.stop();
    }
  });

  test("serve prints exactly one ready line with the picked port", async () => {
    const child = spawn("node", ["bin/omniserve.js", "serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0"]);
    let stdout = "";
    child.stdout.setEncoding("utf8");
    const line = await new Promise<string>((resolve) => {
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("\n")) resolve(stdout);
      });
    });
    expect(line).toMatch(new RegExp(`^omniserve: listening on http://127\\.0\\.0\\.1:(\\d+) \\(${runtime}\\)\\n$`));
    const port = Number(/:(\d+) /.exec(line)![1]);
    expect(port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(runtime);
    const code = await new Promise((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGINT");
    });
    expect(code).toBe(0);
    expect(stdout).toBe(line);
  });

  test("serve with a bad module path gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "nope/missing.ts", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: cannot find app module nope/missing.ts [ERR_MODULE_NOT_FOUND]\n");
  });

  test.each([
    ["no-fech.ts", "no-fetch.ts"],
    ["function", "function.ts"],
  ])("serve with a module name a typo or an extension away (%s) names the file next to it, in one line and status 1", async (typed, meant) => {
    const { code, stderr } = await cli(["serve", `test/fixture/formats/${typed}`, "--runtime", runtime, "--port", "0"]);
    expect([code, stderr]).toEqual([
      1,
      `omniserve: error: cannot find app module test/fixture/formats/${typed}; did you mean test/fixture/formats/${meant}? [ERR_MODULE_NOT_FOUND]\n`,
    ]);
  });

  test.each([
    ["named-fetch.ts", "it has no default export but exports fetch by name: add export default { fetch }"],
    ["promise.ts", "it exports a Promise: export default await yourPromise"],
  ])("serve with a module that has fetch but not as its default export's method (%s) says what to change, in one line and status 1", async (file, hint) => {
    const { code, stderr } = await cli(["serve", `test/fixture/formats/${file}`, "--runtime", runtime, "--port", "0"]);
    expect([code, stderr]).toEqual([
      1,
      `omniserve: error: test/fixture/formats/${file} must export default an object with a fetch(request) method (or a Hono app); ${hint} [ERR_NO_FETCH]\n`,
    ]);
  });

  test("serve with a module without fetch gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/formats/no-fetch.ts", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/must export default an object with a fetch\(request\) method.*\[ERR_NO_FETCH\]/);
  });

  test("serve with a function as the default export says how to wrap it, in one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/formats/function.ts", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: test/fixture/formats/function.ts must export default an object with a fetch(request) method (or a Hono app); " +
        "it exports a function: export default { fetch: yourFunction } [ERR_NO_FETCH]\n",
    );
  });

  test("serve with a folder refuses it on every runtime (Bun alone would import its index), naming the file", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/formats/folder", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: app module test/fixture/formats/folder is a folder: give the file, test/fixture/formats/folder/index.ts [ERR_MODULE_NOT_FOUND]\n",
    );
  });

  test("serve with a file that is not JavaScript or TypeScript refuses it on every runtime (Deno would run it, Bun serve nothing)", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/formats/app.txt", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: app module test/fixture/formats/app.txt is not a JavaScript or TypeScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs, .jsx) [ERR_MODULE_LOAD]\n",
    );
  });

  test("a .ts module in a CommonJS package whose top-level await rejects points at it", async () => {
    const { code, stdout, stderr } = await cli(["serve", "test/fixture/formats/cjs/rejects.ts", "--runtime", runtime, "--port", "0"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    // The column is the runtime's: V8 points at `new`, JavaScriptCore at `Error`.
    expect(stderr.split("\n")[0]).toMatch(
      /^omniserve: error: test\/fixture\/formats\/cjs\/rejects\.ts:2:(22|26): Error: rejected on purpose \[ERR_MODULE_LOAD\]$/,
    );
  });

  test.each([
    ["no-such-host.invalid", "no such host no-such-host.invalid"],
    ["192.0.2.1", "192.0.2.1 is not an address of this machine"], // TEST-NET-1 (RFC 5737): no machine has it
  ])("serve --hostname %s gives one line in the same words on every runtime, and status 1", async (hostname, reason) => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0", "--hostname", hostname]);
    expect(code).toBe(1);
    expect(stderr).toBe(`omniserve: error: cannot listen on ${hostname}:0: ${reason} [ERR_LISTEN]\n`);
  });

  test("serve --hostname [::1] (as written in a URL) listens on ::1", async () => {
    const server = await serveCli(["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0", "--hostname", "[::1]"]);
    try {
      expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(await (await fetch(server.url)).text()).toBe(runtime);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("serve on a port in use gives one line and status 1", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", String(port)]);
      expect(code).toBe(1);
      expect(stderr).toBe(`omniserve: error: port ${port} is already in use on 127.0.0.1 [ERR_PORT_IN_USE]\n`);
    } finally {
      blocker.close();
    }
  });

  describe("an encrypted --key", () => {
    /** A file holding `passphrase` (with a newline, as an editor saves it); test/support/pki.ts's key takes "s3cret". */
    const passphraseFile = (passphrase: string) => {
      const file = join(mkdtempSync(join(tmpdir(), "omniserve-pass-")), "passphrase");
      writeFileSync(file, `${passphrase}\n`);
      return file;
    };

    test("serve --passphrase-file decrypts it and serves HTTPS, with the secret in no process's arguments", async () => {
      const pki = testPki();
      const file = passphraseFile("s3cret");
      const args = ["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0"];
      const running = await serveCli([...args, "--cert", pki.localhost.cert, "--key", pki.encryptedKey, "--passphrase-file", file]);
      try {
        const { response, serverCN } = await once(Number(new URL(running.url).port), "/", { ca: pki.read(pki.ca.cert) });
        expect([running.url.split(":")[0], response.status, response.body.toString(), serverCN]).toEqual(["https", 200, runtime, "localhost"]);
        const argvs = processTree(running.child.pid!).map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"));
        // The CLI, and the runtime's process when it is not the CLI's own.
        expect(argvs.length).toBe(runtime === "node" ? 1 : 2);
        expect(argvs.filter((argv) => argv.includes("s3cret"))).toEqual([]);
      } finally {
        await running.stop();
      }
    });

    test("a wrong passphrase gives one line and status 1", async () => {
      const pki = testPki();
      const file = passphraseFile("wrong");
      const args = ["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0"];
      const { code, stderr } = await cli([...args, "--cert", pki.localhost.cert, "--key", pki.encryptedKey, "--passphrase-file", file]);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `omniserve: error: tls.passphrase does not decrypt tls.key (from --cert ${pki.localhost.cert} --key ${pki.encryptedKey} ` +
          `--passphrase-file ${file}) [ERR_TLS]\n`,
      );
    });

    test("no --passphrase-file gives one line naming the flag and status 1", async () => {
      const pki = testPki();
      const args = ["serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0"];
      const { code, stderr } = await cli([...args, "--cert", pki.localhost.cert, "--key", pki.encryptedKey]);
      expect(code).toBe(1);
      expect(stderr).toBe(
        "omniserve: error: tls.key is encrypted: give its passphrase as tls.passphrase " +
          `(from --cert ${pki.localhost.cert} --key ${pki.encryptedKey}; give the passphrase with --passphrase-file FILE) [ERR_TLS]\n`,
      );
    });
  });
});

/** `pid` and its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone meanwhile
  }
  return [pid, ...children.flatMap(processTree)];
}

describe("omniserve CLI arguments", () => {
  test("an unknown runtime gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--runtime", "rhino"]);
    expect(code).toBe(1);
    expect(stderr).toBe('omniserve: error: unknown runtime "rhino" (expected one of: node, deno, bun) [ERR_UNKNOWN_RUNTIME]\n');
  });

  test("a mistyped runtime name (a typo, another case) gets the one it most likely meant", async () => {
    for (const [typed, meant] of [["nod", "node"], ["dneo", "deno"], ["Bun", "bun"]]) {
      const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--runtime", typed]);
      expect([code, stderr]).toEqual([
        1,
        `omniserve: error: unknown runtime "${typed}"; did you mean ${meant}? (expected one of: node, deno, bun) [ERR_UNKNOWN_RUNTIME]\n`,
      ]);
    }
  });

  test("--cert without --key gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--cert", "cert.pem", "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: --cert and --key go together: give both PEM files [ERR_BAD_ARGUMENT]\n");
  });

  test("--http2 with --no-http2 gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--http2", "--no-http2", "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: --http2 and --no-http2 contradict each other: give one [ERR_BAD_ARGUMENT]\n");
  });

  test("serve --cert --key says https:// and offers h2 by ALPN; --no-http2 offers HTTP/1.1 only", async () => {
    const cert = await testCertificate();
    for (const [flags, want] of [[[], "h2"], [["--no-http2"], "http/1.1"], [["--http2"], "h2"]] as const) {
      const running = await serveCli(["serve", "test/fixture/matrix/app.ts", "--cert", cert.certFile, "--key", cert.keyFile, "--port", "0", ...flags]);
      try {
        expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const { port } = new URL(running.url);
        const alpn = await new Promise<string>((resolve, reject) => {
          const socket = tls.connect({ host: "127.0.0.1", port: Number(port), ca: cert.ca, ALPNProtocols: ["h2", "http/1.1"] }, () => {
            resolve(socket.alpnProtocol || "http/1.1");
            socket.destroy();
          });
          socket.on("error", reject);
        });
        expect(alpn, flags.join(" ")).toBe(want);
      } finally {
        await running.stop();
      }
    }
  });

  test("an unreadable --passphrase-file gives one line and status 1", async () => {
    const cert = await testCertificate();
    const args = ["serve", "test/fixture/matrix/app.ts", "--cert", cert.certFile, "--key", cert.keyFile, "--passphrase-file", "no.txt"];
    const { code, stderr } = await cli([...args, "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: cannot read the TLS passphrase file no.txt: no such file [ERR_TLS]\n");
  });

  test("--passphrase-file without --cert and --key gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--passphrase-file", "pass.txt", "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: --cert and --key go together: give both PEM files (--passphrase-file is the passphrase of --key) [ERR_BAD_ARGUMENT]\n",
    );
  });

  test("a missing certificate file gives one line and status 1", async () => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--cert", "no.pem", "--key", "no.pem", "--port", "0"]);
    expect(code).toBe(1);
    expect(stderr).toBe("omniserve: error: cannot read the TLS certificate file no.pem: no such file [ERR_TLS]\n");
  });

  test.each([["--port", "-1"], ["-p", "-1"], ["--port", "65536"], ["--port", "abc"]])("%s %s gives the port's line and status 1", async (flag, value) => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", flag, value]);
    expect(code).toBe(1);
    expect(stderr).toBe(`omniserve: error: --port must be a number from 0 to 65535, got "${value}" [ERR_BAD_ARGUMENT]\n`);
  });

  test.each(["--port", "-p"])("%s followed by another option says it needs a value", async (flag) => {
    const { code, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", flag, "--log"]);
    expect(code).toBe(1);
    expect(stderr.split("\n")[0]).toBe("omniserve: error: --port needs a value [ERR_BAD_ARGUMENT]");
  });

  test("an unknown option gives its line, then the command's usage, and status 1", async () => {
    const { code, stdout, stderr } = await cli(["serve", "test/fixture/matrix/app.ts", "--prot", "1"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe([
      "omniserve: error: unknown option --prot for serve; did you mean --port? [ERR_BAD_ARGUMENT]",
      "",
      "usage: omniserve serve <module> [options] [-- <runtime flags>]",
      "run omniserve serve --help for every option",
      "",
    ].join("\n"));
  });
});

describe("omniserve test", () => {
  test("omniserve test with a command that cannot run stops after the first runtime with one line and status 1", async () => {
    const { code, stdout, stderr } = await cli(["test", "test/fixture/matrix/app.ts", "--", "no-such-command-zz", "run"]);
    expect(code).toBe(1);
    expect(stdout).toBe("\nomniserve: testing test/fixture/matrix/app.ts on node\n");
    expect(stderr).toBe(
      "omniserve: error: cannot run no-such-command-zz: not found on PATH (for a package's command, put npx before it) [ERR_BAD_ARGUMENT]\n",
    );
  });

  test("omniserve test runs the user's vitest on every runtime and shows which tests differ", async () => {
    const json = join(mkdtempSync(join(tmpdir(), "omniserve-cli-")), "result.json");
    const { code, stdout } = await cli([
      "test", "test/fixture/matrix/app.ts", "--json", json, "--",
      "node_modules/.bin/vitest", "run", "--root", "test/fixture/matrix",
    ], { timeoutMs: 120_000 });
    // The output is the user's vitest and the matrix: no line about omniserve's temporary report files.
    expect(stdout).not.toMatch(/report written|omniserve-test-/i);
    expect(code).toBe(1);
    expect(stdout).toMatch(/node\s+pass\s+\d/);
    expect(stdout).toMatch(/deno\s+fail\s+\d/);
    expect(stdout).toMatch(/bun\s+pass\s+\d/);
    expect(stdout).toMatch(/tests that differ between runtimes:\n\s+is not deno \(fails on deno on purpose\)\n\s+node: passed, deno: failed, bun: passed/);
    const result = JSON.parse(readFileSync(json, "utf8"));
    expect(result.results.map((r: { runtime: string; ok: boolean }) => [r.runtime, r.ok])).toEqual([["node", true], ["deno", false], ["bun", true]]);
    expect(result.results[0].tests["answers with the runtime it runs on"]).toBe("passed");
  }, 120_000); // three runtimes, each running vitest: slow on a busy 2-core machine

  test("omniserve test passes with status 0 when every runtime passes", async () => {
    const { code, stdout } = await cli([
      "test", "test/fixture/matrix/app.ts", "--runtimes", "node,bun", "--",
      "node", "-e", "fetch(process.env.OMNISERVE_URL).then(r=>r.text()).then(t=>process.exit(t===process.env.OMNISERVE_RUNTIME?0:1))",
    ], { timeoutMs: 120_000 });
    expect(code).toBe(0);
    expect(stdout).toMatch(/node\s+pass/);
    expect(stdout).toMatch(/bun\s+pass/);
  });
});
