/**
 * TLS features on every runtime: start-up checks, SNI, certificate reload and
 * client certificates, each against the same fixture (test/fixture/tls-app.ts)
 * with certificates made by `openssl` when the tests run, and checked with
 * `openssl s_client` and Node's `tls` client. A runtime that cannot serve a
 * feature refuses it at start-up with ERR_TLS (a named exception).
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { runtimeBinary } from "../../dist/cli/runtime.js";
import { startServer, type SpawnedServer } from "../../dist/cli/spawn.js";
import type { Runtime } from "../../src/types.ts";
import type { FileEntry } from "../fixture/tls-app.ts";
import { cli } from "../support/cli.ts";
import { applies, type ExceptionName } from "../support/exceptions.ts";
import { testPki, type Pair, type TestPki } from "../support/pki.ts";
import { once, sClient, sClientCN, TlsConnection, type TlsClientOptions } from "../support/tls-client.ts";

const entry = (pair: Pair, extra: Partial<FileEntry> = {}): FileEntry => ({ cert: pair.cert, key: pair.key, ...extra });

function start(runtime: Runtime, tls: FileEntry | FileEntry[], reload?: FileEntry | FileEntry[]): Promise<SpawnedServer> {
  return startServer("test/fixture/tls-app.ts", runtime, {
    port: 0,
    hostname: "127.0.0.1",
    env: { OMNISERVE_TEST_TLS: JSON.stringify({ tls, reload }) },
  });
}

/** The ERR_TLS line a server that cannot start prints (the spawned child's error line). */
async function startError(runtime: Runtime, tls: FileEntry | FileEntry[] | unknown[]): Promise<string> {
  const error = await start(runtime, tls as FileEntry[]).then(
    async (server) => {
      await server.stop();
      return new Error("the server started");
    },
    (e: Error) => e,
  );
  return error.message;
}

const portOf = (server: SpawnedServer) => Number(new URL(server.url).port);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `read` until it gives `want` (or fail after 10 s). */
async function until(read: () => Promise<string>, want: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (let got = await read(); got !== want; got = await read()) {
    if (Date.now() > deadline) throw new Error(`waited for ${want}, last got ${got}`);
    await sleep(50);
  }
}
const json = (body: Buffer) => JSON.parse(body.toString("utf8"));

export function tlsFeatures(runtime: Runtime): void {
  const exception = (name: ExceptionName<"http">) => applies(name, runtime);
  let pki: TestPki;
  let trust: TlsClientOptions;
  beforeAll(() => {
    pki = testPki();
    trust = { ca: pki.read(pki.ca.cert) };
  });

  describe(`tls start-up checks on ${runtime}`, () => {
    test("serve() refuses a wrong passphrase with ERR_TLS", async () => {
      const message = await startError(runtime, { cert: pki.localhost.cert, key: pki.encryptedKey, passphrase: "wrong" });
      expect(message).toBe("tls.passphrase does not decrypt tls.key [ERR_TLS]");
    });

    test("serve() refuses an encrypted key without a passphrase with ERR_TLS", async () => {
      const message = await startError(runtime, { cert: pki.localhost.cert, key: pki.encryptedKey });
      expect(message).toBe("tls.key is encrypted: give its passphrase as tls.passphrase [ERR_TLS]");
    });

    test("serve() takes an encrypted key with its passphrase", async () => {
      const server = await start(runtime, { cert: pki.localhost.cert, key: pki.encryptedKey, passphrase: "s3cret" });
      try {
        const { response, serverCN } = await once(portOf(server), "/", trust);
        expect([response.status, serverCN]).toEqual([200, "localhost"]);
      } finally {
        await server.stop();
      }
    });

    test("serve() refuses a key that does not match its certificate with ERR_TLS", async () => {
      const message = await startError(runtime, { cert: pki.localhost.cert, key: pki.a.key });
      expect(message).toBe("tls.key does not match tls.cert (CN=localhost) [ERR_TLS]");
    });

    test("serve() refuses an expired certificate with ERR_TLS", async () => {
      const message = await startError(runtime, entry(pki.expired));
      expect(message).toBe("tls.cert (CN=expired) expired on 2020-01-02T00:00:00.000Z [ERR_TLS]");
    });

    test("serve() refuses PEM that is not PEM with ERR_TLS", async () => {
      const message = await startError(runtime, { cert: pki.localhost.key, key: pki.localhost.key });
      expect(message).toBe('tls.cert is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line) [ERR_TLS]');
      const key = await startError(runtime, { cert: pki.localhost.cert, key: pki.localhost.cert });
      expect(key).toBe('tls.key is not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" line) [ERR_TLS]');
    });

    test("serve() refuses an SNI list with an entry missing serverName, or an empty one, with ERR_TLS", async () => {
      const missing = await startError(runtime, [entry(pki.localhost), entry(pki.a)]);
      expect(missing).toBe('tls[1].serverName must be a host name or a wildcard such as *.example.test, got undefined [ERR_TLS]');
      const empty = await startError(runtime, []);
      expect(empty).toBe("tls is an empty list: give at least one { cert, key }, the first being the default [ERR_TLS]");
    });

    test("serve --cert --key with a key that does not match gives one line and status 1", async () => {
      const { code, stdout, stderr } = await cli([
        "serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0",
        "--cert", pki.localhost.cert, "--key", pki.next.key,
      ]);
      expect([code, stdout]).toEqual([1, ""]);
      expect(stderr).toBe(
        `omniserve: error: tls.key does not match tls.cert (CN=localhost) (from --cert ${pki.localhost.cert} --key ${pki.next.key}) [ERR_TLS]\n`,
      );
    });

    test("serve --cert or --key with a missing or unreadable file gives one line and status 1", async () => {
      const { code, stderr } = await cli([
        "serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0",
        "--cert", `${pki.dir}/none.pem`, "--key", pki.localhost.key,
      ]);
      expect(code).toBe(1);
      expect(stderr).toBe(`omniserve: error: cannot read the TLS certificate file ${pki.dir}/none.pem: no such file [ERR_TLS]\n`);
      const unreadable = await cli([
        "serve", "test/fixture/matrix/app.ts", "--runtime", runtime, "--port", "0",
        "--cert", pki.localhost.cert, "--key", pki.dir,
      ]);
      expect([unreadable.code, unreadable.stderr]).toEqual([1, `omniserve: error: cannot read the TLS key file ${pki.dir}: it is a folder [ERR_TLS]\n`]);
    });
  });

  describe(`tls SNI on ${runtime}`, () => {
    let server: SpawnedServer | undefined;
    let refused = "";
    beforeAll(async () => {
      const list = [
        entry(pki.localhost),
        entry(pki.a, { serverName: "a.example.test" }),
        entry(pki.wildcard, { serverName: "*.example.test" }),
      ];
      // The reload swaps the default and gives a.example.test the wildcard's certificate.
      const reload = [entry(pki.next), entry(pki.wildcard, { serverName: "a.example.test" })];
      if (exception("denoNoSni")) refused = await startError(runtime, list);
      else server = await start(runtime, list, reload);
    });
    afterAll(async () => {
      await server?.stop();
    });

    test("each SNI name gets its certificate, wildcards included; no name or an unknown one gets the first", async () => {
      if (exception("denoNoSni")) {
        expect(refused).toBe(
          "Deno.serve takes one certificate: an SNI list (tls as an array of more than one entry) cannot be served on deno (denoland/deno#23233) [ERR_TLS]",
        );
        return;
      }
      const port = portOf(server!);
      const served: Record<string, string | undefined> = {};
      for (const name of ["a.example.test", "A.Example.Test", "b.example.test", "x.y.example.test", "example.test", "other.test"]) {
        served[name] = sClientCN(await sClient(port, ["-servername", name]));
      }
      served["(none)"] = sClientCN(await sClient(port, ["-noservername"]));
      expect(served).toEqual({
        "a.example.test": "a.example.test",
        "A.Example.Test": "a.example.test",
        "b.example.test": "wildcard.example.test",
        "x.y.example.test": "localhost", // a wildcard covers one label (RFC 6125 6.4.3)
        "example.test": "localhost",
        "other.test": "localhost",
        "(none)": "localhost",
      });
      // Node's client, verifying the chain against the test CA.
      expect((await once(port, "/", { ...trust, servername: "a.example.test" })).serverCN).toBe("a.example.test");
      expect((await once(port, "/", { ...trust, servername: "c.example.test" })).serverCN).toBe("wildcard.example.test");
      expect((await once(port, "/", trust)).serverCN).toBe("localhost");
    });

    test("ctx.tls tells the handler the SNI name it was asked for", async () => {
      if (exception("denoNoSni")) return expect(refused).toMatch(/\[ERR_TLS\]$/);
      const { response } = await once(portOf(server!), "/tls", { ...trust, servername: "b.example.test" });
      const { tls } = json(response.body);
      if (exception("noTlsInfo")) expect(tls).toBe(null);
      else expect(tls).toEqual({ alpn: "http/1.1", serverName: "b.example.test" });
    });

    test("reload({ tls }) swaps the whole SNI list for new connections", async () => {
      if (exception("denoNoSni")) return expect(refused).toMatch(/\[ERR_TLS\]$/);
      const port = portOf(server!);
      const { response } = await once(port, "/reload", trust, "POST");
      expect(response.body.toString()).toBe("reloaded");
      const served: Record<string, string | undefined> = {};
      for (const name of ["a.example.test", "b.example.test"]) served[name] = sClientCN(await sClient(port, ["-servername", name]));
      served["(none)"] = sClientCN(await sClient(port, ["-noservername"]));
      expect(served).toEqual({ "a.example.test": "wildcard.example.test", "b.example.test": "localhost-next", "(none)": "localhost-next" });
    });
  });

  describe(`tls reload on ${runtime}`, () => {
    let server: SpawnedServer;
    beforeAll(async () => {
      server = await start(runtime, entry(pki.localhost), entry(pki.next));
    });
    afterAll(async () => {
      await server?.stop();
    });

    test("ctx.tls tells the handler the protocol and the SNI name of its connection", async () => {
      const { response } = await once(portOf(server), "/tls", { ...trust, servername: "localhost" });
      const { tls } = json(response.body);
      if (exception("noTlsInfo")) expect(tls).toBe(null);
      else expect(tls).toEqual({ alpn: "http/1.1", serverName: "localhost" });
    });

    test("a second TLS server on the port gets ERR_PORT_IN_USE (the reload's reusePort shares no port)", async () => {
      const port = portOf(server);
      const second = await startServer("test/fixture/tls-app.ts", runtime, {
        port,
        hostname: "127.0.0.1",
        env: { OMNISERVE_TEST_TLS: JSON.stringify({ tls: entry(pki.localhost) }) },
      }).then(async (s) => (await s.stop(), "started"), (e: Error) => e.message);
      expect(second).toBe(`port ${port} is already in use on 127.0.0.1 [ERR_PORT_IN_USE]`);
    });

    test("reload({ tls }) swaps the certificate under serve --log too", async () => {
      const logged = await startServer("test/fixture/tls-app.ts", runtime, {
        port: 0,
        hostname: "127.0.0.1",
        log: true,
        env: { OMNISERVE_TEST_TLS: JSON.stringify({ tls: entry(pki.localhost), reload: entry(pki.next) }) },
      });
      try {
        const port = portOf(logged);
        expect((await once(port, "/reload", trust, "POST")).response.body.toString()).toBe("reloaded");
        expect((await once(port, "/", trust)).serverCN).toBe("localhost-next");
        expect(logged.stderr()).toMatch(/POST \/reload 200/);
      } finally {
        await logged.stop();
      }
    });

    test("reload({ tls }) works for serve() in a runtime started without omniserve's flags", async () => {
      // Deno as a user runs it: no --unstable-net, which its reusePort needs.
      const flags = runtime === "deno" ? ["run", "-A", "--unstable-no-legacy-abort"] : [];
      const args = [...flags, "test/fixture/tls-lib.mjs", `../../dist/adapters/${runtime}/index.js`,
        pki.localhost.cert, pki.localhost.key, pki.next.cert, pki.next.key];
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(runtimeBinary(runtime), args, { timeout: 30_000 }, (error, out) => error ? reject(error) : resolve(out))
      );
      const reload = exception("denoReloadNeedsUnstableNet")
        ? "ERR_TLS: reload({ tls }) on deno needs --unstable-net: Deno.serve cannot swap a certificate, so a second server takes over the port with reusePort"
        : "reloaded";
      expect(JSON.parse(stdout)).toEqual({ scheme: "https:", reload });
    });

    test("reload({ tls }) with a bad certificate throws ERR_TLS and the old one keeps serving", async () => {
      const port = portOf(server);
      const { response } = await once(port, "/reload-bad", trust, "POST");
      expect([response.status, response.body.toString()]).toEqual([500, "ERR_TLS"]);
      expect(sClientCN(await sClient(port, ["-servername", "localhost"]))).toBe("localhost");
    });

    test("reload({ tls }): new connections get the new certificate, open ones and in-flight requests carry on", async () => {
      const port = portOf(server);
      const kept = await TlsConnection.open(port, { ...trust, servername: "localhost" });
      expect([(await kept.request("/")).status, kept.serverCN]).toEqual([200, "localhost"]);
      const body = async (path: string) => (await once(port, path, trust)).response.body.toString();
      const inFlight = once(port, "/slow", trust);
      await until(() => body("/pending"), "1"); // the slow request has reached the handler
      const { response } = await once(port, "/reload", trust, "POST");
      expect(response.body.toString()).toBe("reloaded");
      // New connections: openssl, with and without SNI, and Node's client.
      expect(sClientCN(await sClient(port, ["-servername", "localhost"]))).toBe("localhost-next");
      expect(sClientCN(await sClient(port, ["-noservername"]))).toBe("localhost-next");
      expect((await once(port, "/", trust)).serverCN).toBe("localhost-next");
      // The request that was in flight finishes on its connection and certificate.
      const slow = await inFlight;
      expect([slow.response.status, slow.serverCN]).toEqual([200, "localhost"]);
      // The connection opened before the reload.
      if (exception("tlsReloadClosesIdle")) {
        await expect(kept.request("/")).rejects.toThrow();
      } else {
        expect([(await kept.request("/")).status, kept.serverCN]).toEqual([200, "localhost"]);
      }
      kept.close();
    });

    test("reload({ tls }): a WebSocket opened before it stays open and still gets what is published", async () => {
      const port = portOf(server);
      const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca: trust.ca });
      const got: string[] = [];
      let closed: number | undefined;
      ws.on("message", (data) => got.push(String(data)));
      ws.on("close", (code) => (closed = code));
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      const body = async (path: string) => (await once(port, path, trust)).response.body.toString();
      await until(() => body("/subscribers"), "1"); // the open hook has subscribed
      const reloaded = await once(port, "/reload", trust, "POST");
      expect(reloaded.response.body.toString()).toBe("reloaded");
      // Deno closes the socket as its old server shuts down; wait for that before publishing.
      if (exception("denoReloadClosesWebSockets")) await until(async () => String(closed), "1001");
      const published = await once(port, "/publish", trust);
      if (!exception("denoReloadClosesWebSockets")) await until(async () => got.join(), "news");
      if (exception("denoReloadClosesWebSockets")) {
        expect([published.response.body.toString(), published.serverCN, got, closed]).toEqual(["0", "localhost-next", [], 1001]);
      } else {
        expect([published.response.body.toString(), published.serverCN, got, closed]).toEqual(["1", "localhost-next", ["news"], undefined]);
      }
      ws.close();
    });
  });

  describe(`tls client certificates on ${runtime}`, () => {
    let server: SpawnedServer | undefined;
    let refused = "";
    beforeAll(async () => {
      const tls = entry(pki.localhost, { ca: pki.ca.cert, requestCert: true });
      if (exception("denoNoClientCert")) refused = await startError(runtime, tls);
      else server = await start(runtime, tls);
    });
    afterAll(async () => {
      await server?.stop();
    });

    test("requestCert refuses, in the handshake, a client without a certificate or with one the CA did not sign", async () => {
      if (exception("denoNoClientCert")) {
        expect(refused).toBe("Deno.serve cannot ask for client certificates: tls.requestCert cannot be served on deno [ERR_TLS]");
        return;
      }
      const port = portOf(server!);
      await expect(once(port, "/", trust)).rejects.toThrow();
      const mallory = { cert: pki.read(pki.mallory.cert), key: pki.read(pki.mallory.key) };
      await expect(once(port, "/", { ...trust, ...mallory })).rejects.toThrow();
      // openssl's view: a request after the handshake gets no HTTP answer without a good client certificate,
      // and one with alice's certificate gets its 200.
      const request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
      const args = ["-servername", "localhost", "-CAfile", pki.ca.cert, "-ign_eof"];
      const answered = async (extra: string[]) => /HTTP\/1\.1 200 /.test(await sClient(port, [...args, ...extra], request));
      expect({
        none: await answered([]),
        mallory: await answered(["-cert", pki.mallory.cert, "-key", pki.mallory.key]),
        alice: await answered(["-cert", pki.alice.cert, "-key", pki.alice.key]),
      }).toEqual({ none: false, mallory: false, alice: true });
    });

    test("requestCert holds for every SNI name of a list", async () => {
      const ca = pki.ca.cert;
      const list = [entry(pki.localhost, { ca, requestCert: true }), entry(pki.a, { ca, requestCert: true, serverName: "a.example.test" })];
      if (exception("denoNoSni")) return expect(await startError(runtime, list)).toMatch(/^Deno\.serve takes one certificate: .*\[ERR_TLS\]$/);
      const sni = await start(runtime, list);
      try {
        const request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        const answered = async (name: string, client: string[]) =>
          /HTTP\/1\.1 200 /.test(await sClient(portOf(sni), ["-servername", name, "-ign_eof", ...client], request));
        const alice = ["-cert", pki.alice.cert, "-key", pki.alice.key];
        expect({
          aNone: await answered("a.example.test", []),
          aAlice: await answered("a.example.test", alice),
          otherNone: await answered("other.test", []),
          otherAlice: await answered("other.test", alice),
        }).toEqual({ aNone: false, aAlice: true, otherNone: false, otherAlice: true });
      } finally {
        await sni.stop();
      }
    });

    test("requestCert: the handler sees the verified client certificate in ctx.tls.peerCertificate", async () => {
      if (exception("denoNoClientCert")) return expect(refused).toMatch(/\[ERR_TLS\]$/);
      const alice = { cert: pki.read(pki.alice.cert), key: pki.read(pki.alice.key) };
      const { response } = await once(portOf(server!), "/tls", { ...trust, ...alice, servername: "localhost" });
      expect(response.status).toBe(200);
      const { tls } = json(response.body);
      if (exception("noTlsInfo")) {
        expect(tls).toBe(null);
        return;
      }
      expect(tls.peerCertificate.subject).toEqual({ CN: "alice", O: "Example" });
      expect(tls.peerCertificate.issuer).toEqual({ CN: "omniserve test CA" });
      expect(tls.peerCertificate.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(new Date(tls.peerCertificate.validTo).getTime()).toBeGreaterThan(Date.now());
      expect(tls.serverName).toBe("localhost");
    });
  });
}
