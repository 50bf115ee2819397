/**
 * srvx's shared server cases (its test/_tests.ts `addTests`) against its fixture app served by omniserve on
 * the harness's runtime. The runtime label is `node` everywhere: omniserve promises Node's behaviour on every
 * runtime, while srvx's labels encode srvx's own per-runtime differences. With `OMNISERVE_PEERS_PROTOCOL=h2`
 * the server speaks HTTPS with the test certificate and the cases run over HTTP/2 (srvx's `http2` mode, its
 * client an undici Agent allowed h2, as srvx's own node tests run it).
 * @module
 */
import process from "node:process";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, describe } from "vitest";
import { testCertificate } from "../support/cert.ts";
import { servedBy, startLocal } from "../support/served.ts";
import { PEERS_ENV, peerModule, servingRuntime, viaLocalhost } from "./_peers.ts";

const runtime = servingRuntime();
const h2 = process.env.OMNISERVE_PEERS_PROTOCOL === "h2";
const { addTests } = await import(peerModule("srvx", "test", "_tests.ts"));
const APP = "test/peers/srvx-app.ts";

describe(`srvx's cases, served by omniserve on ${runtime}${h2 ? " over h2 (TLS)" : ""}`, () => {
  if (!h2) {
    const server = servedBy(() => startLocal(APP, runtime, { env: PEERS_ENV }));
    addTests({ url: (path: string) => viaLocalhost(server().url) + path, runtime: "node" });
    return;
  }
  let ca = "";
  const server = servedBy(async () => {
    const { certFile, keyFile, ca: trusted } = await testCertificate();
    ca = trusted;
    return startLocal(APP, runtime, { env: PEERS_ENV, certFile, keyFile });
  });
  let agent: Agent | undefined;
  afterAll(() => agent?.close());
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    agent ??= new Agent({ allowH2: true, connect: { ca } });
    return undiciFetch(input as string, { ...init, dispatcher: agent } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>;
  };
  addTests({ url: (path: string) => viaLocalhost(server().url) + path, runtime: "node", http2: true, fetch, get ca() { return ca; } });
});
