/**
 * A test PKI made with the `openssl` command when the tests run (no key is
 * committed): a CA, server certificates for SNI and reload, client
 * certificates signed by the CA and by a stranger, an expired certificate and
 * an encrypted key. Made once per test file, in a temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM files of one certificate. */
export interface Pair {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA that signs every server certificate and the client certificate `alice`. */
  ca: Pair;
  /** CN=localhost, for localhost and 127.0.0.1: the default. */
  localhost: Pair;
  /** CN=a.example.test. */
  a: Pair;
  /** CN=wildcard.example.test, for *.example.test. */
  wildcard: Pair;
  /** CN=localhost-next, for localhost and 127.0.0.1: what a reload swaps in. */
  next: Pair;
  /** Client CN=alice, O=Example, signed by the CA. */
  alice: Pair;
  /** Client CN=mallory, self-signed. */
  mallory: Pair;
  /** CN=expired, valid from 2020-01-01 to 2020-01-02. */
  expired: Pair;
  /** `localhost`'s key encrypted with the passphrase "s3cret". */
  encryptedKey: string;
  read(file: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** A key and a certificate for `subject`, signed by the CA (or self-signed without `ca`). */
function issue(dir: string, name: string, subject: string, options: { ca?: boolean; san?: string; client?: boolean } = {}): Pair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
  openssl(dir, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pair.key, "-out", `${name}.csr`, "-subj", subject]);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, [
    options.san ? `subjectAltName=${options.san}` : "",
    `extendedKeyUsage=${options.client ? "clientAuth" : "serverAuth"}`,
  ].filter(Boolean).join("\n"));
  const signer = options.ca ? ["-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial"] : ["-key", pair.key];
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, ...signer, "-days", "2", "-out", pair.cert, "-extfile", ext]);
  return pair;
}

let made: TestPki | undefined;

export function testPki(): TestPki {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), "omniserve-pki-"));
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=omniserve test CA"]);
  const ca = { cert: join(dir, "ca.pem"), key: join(dir, "ca-key.pem") };
  const local = "DNS:localhost,IP:127.0.0.1";
  const pki: TestPki = {
    dir,
    ca,
    localhost: issue(dir, "localhost", "/CN=localhost", { ca: true, san: local }),
    a: issue(dir, "a", "/CN=a.example.test", { ca: true, san: "DNS:a.example.test" }),
    wildcard: issue(dir, "wildcard", "/CN=wildcard.example.test", { ca: true, san: "DNS:*.example.test" }),
    next: issue(dir, "next", "/CN=localhost-next", { ca: true, san: local }),
    alice: issue(dir, "alice", "/CN=alice/O=Example", { ca: true, client: true }),
    mallory: issue(dir, "mallory", "/CN=mallory", { client: true }),
    expired: expired(dir),
    encryptedKey: join(dir, "encrypted-key.pem"),
    read: (file) => readFileSync(file, "utf8"),
  };
  openssl(dir, ["pkey", "-in", pki.localhost.key, "-aes256", "-passout", "pass:s3cret", "-out", pki.encryptedKey]);
  return (made = pki);
}

/** A self-signed certificate that expired in 2020, signed with a fixed past clock by `openssl ca`. */
function expired(dir: string): Pair {
  const pair = { cert: join(dir, "expired.pem"), key: join(dir, "expired-key.pem") };
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(join(dir, "ca.cnf"), [
    "[ca]",
    "default_ca = test",
    "[test]",
    "database = index.txt",
    "serial = serial",
    "new_certs_dir = .",
    "default_md = sha256",
    "policy = any",
    "[any]",
    "commonName = supplied",
  ].join("\n"));
  openssl(dir, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pair.key, "-out", "expired.csr", "-subj", "/CN=expired"]);
  openssl(dir, ["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", pair.key, "-in", "expired.csr", "-out", pair.cert, "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext"]);
  return pair;
}
