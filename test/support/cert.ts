/** A self-signed certificate for 127.0.0.1 and localhost, written to PEM files once per test file, and servers that use it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import selfsigned from "selfsigned";
import { startServer, type SpawnedServer } from "../../dist/cli/spawn.js";
import type { Runtime } from "../../src/types.ts";

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate, to trust as a CA in clients. */
  ca: string;
}

let cached: Promise<TestCertificate> | undefined;

export function testCertificate(): Promise<TestCertificate> {
  return (cached ??= (async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
    // SHA-256 and not a CA: rustls (Deno's fetch, with DENO_CERT) refuses SHA-1 signatures and a CA certificate
    // used as a server's own.
    algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 2 * 86_400_000),
      extensions: [{ name: "basicConstraints", cA: false }, { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] }],
    });
    const dir = mkdtempSync(join(tmpdir(), "omniserve-tls-"));
    writeFileSync(join(dir, "cert.pem"), pems.cert);
    writeFileSync(join(dir, "key.pem"), pems.private);
    return { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem"), ca: pems.cert };
  })());
}

/** `module` served over HTTPS on `runtime` with the test certificate, and that certificate to trust. */
export async function startTlsServer(
  module: string,
  runtime: Runtime,
  options: { http2?: boolean } = {},
): Promise<{ server: SpawnedServer; ca: string }> {
  const cert = await testCertificate();
  const server = await startServer(module, runtime, {
    port: 0,
    hostname: "127.0.0.1",
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    http2: options.http2,
  });
  return { server, ca: cert.ca };
}
