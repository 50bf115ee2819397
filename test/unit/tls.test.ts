/**
 * The rules on `tls` (src/_tls.ts) with the real PEM checks (tls/check.ts):
 * which entry a SNI name picks, and the list mistakes refused with ERR_TLS.
 * The certificate checks themselves run over a real server in test/tls.
 */
import { describe, expect, test } from "vitest";
import { entryFor, reloadEntries, tlsEntries } from "../../src/_tls.ts";
import type { TLSOptions } from "../../src/types.ts";
import { checkPem } from "../../tls/check.ts";
import { testPki } from "../support/pki.ts";

const pki = testPki();
const pair = (p: { cert: string; key: string }, extra: Partial<TLSOptions> = {}): TLSOptions => ({ cert: pki.read(p.cert), key: pki.read(p.key), ...extra });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return "accepted";
};

describe("tls entries", () => {
  test("entryFor() picks an exact name, then a one-label wildcard, else the first entry", () => {
    const entries = [{ id: 0 }, { id: 1, serverName: "a.example.test" }, { id: 2, serverName: "*.example.test" }];
    const pick = (name?: string) => entryFor(entries, name).id;
    expect([pick("a.example.test"), pick("A.EXAMPLE.test"), pick("b.example.test"), pick("x.b.example.test"), pick("example.test"), pick(undefined), pick("")])
      .toEqual([1, 1, 2, 0, 0, 0, 0]);
  });

  test("tlsEntries() lower-cases names, decrypts keys and keeps PEM given as bytes", () => {
    const [first, second] = tlsEntries([
      { cert: new TextEncoder().encode(pki.read(pki.localhost.cert)), key: pki.read(pki.encryptedKey), passphrase: "s3cret" },
      pair(pki.a, { serverName: "A.Example.Test" }),
    ], checkPem)!;
    expect(first.cert).toBe(pki.read(pki.localhost.cert));
    expect(first.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(second.serverName).toBe("a.example.test");
  });

  test("tlsEntries() refuses bad names, a name given twice, and client-certificate settings that differ per entry", () => {
    const localhost = pair(pki.localhost);
    expect(refusal(() => tlsEntries([localhost, pair(pki.a, { serverName: "a.*.test" })], checkPem)))
      .toBe('ERR_TLS: tls[1].serverName must be a host name or a wildcard such as *.example.test, got "a.*.test"');
    expect(refusal(() => tlsEntries([localhost, pair(pki.a, { serverName: "a.test" }), pair(pki.next, { serverName: "A.test" })], checkPem)))
      .toBe("ERR_TLS: tls[2].serverName a.test is given twice");
    const ca = pki.read(pki.ca.cert);
    expect(refusal(() => tlsEntries([pair(pki.localhost, { ca, requestCert: true }), pair(pki.a, { serverName: "a.test" })], checkPem)))
      .toBe("ERR_TLS: tls[1] has other requestCert or ca than tls[0]: a server asks every client alike, so give each entry the same");
    expect(refusal(() => tlsEntries(pair(pki.localhost, { requestCert: true }), checkPem)))
      .toBe("ERR_TLS: tls.requestCert needs tls.ca: the authorities that sign the client certificates");
    expect(refusal(() => tlsEntries(pair(pki.localhost, { ca: "not a certificate" }), checkPem)))
      .toBe('ERR_TLS: tls.ca is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)');
  });

  test("tlsEntries() says a file name is not PEM", () => {
    expect(refusal(() => tlsEntries({ cert: "./cert.pem", key: pki.read(pki.localhost.key) }, checkPem)))
      .toBe("ERR_TLS: tls.cert is not a PEM certificate (it looks like a file name: give the file's contents)");
    expect(refusal(() => tlsEntries({ cert: pki.read(pki.localhost.cert), key: "key.pem" }, checkPem)))
      .toBe("ERR_TLS: tls.key is not a PEM private key (it looks like a file name: give the file's contents)");
  });

  test("tlsEntries() refuses a certificate not yet valid", () => {
    expect(refusal(() => tlsEntries(pair(pki.localhost), checkPem, Date.now() - 86_400_000)))
      .toMatch(/^ERR_TLS: tls\.cert \(CN=localhost\) is not valid before \d{4}-/);
  });

  test("reloadEntries() refuses a server without TLS and a change of requestCert", () => {
    const current = tlsEntries(pair(pki.localhost), checkPem)!;
    expect(refusal(() => reloadEntries(undefined, pair(pki.next), checkPem))).toBe("ERR_TLS: reload({ tls }) needs a server started with tls");
    expect(refusal(() => reloadEntries(current, pair(pki.next, { ca: pki.read(pki.ca.cert), requestCert: true }), checkPem)))
      .toBe("ERR_TLS: reload({ tls }) cannot turn requestCert on or off: start a new server for that");
    expect(reloadEntries(current, pair(pki.next), checkPem)[0].cert).toBe(pki.read(pki.next.cert));
  });
});
