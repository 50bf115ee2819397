/**
 * The PEM checks behind `tls` (src/_tls.ts holds the rules on the list): the
 * certificate parses, is valid now and matches its key, the key decrypts with
 * its passphrase. They use `node:crypto`, which Node, Deno and Bun all have,
 * so every runtime refuses the same bad input with the same ERR_TLS sentence;
 * and the key leaves here unencrypted, so no adapter needs a passphrase (Deno
 * cannot take one).
 * @module
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { OmniserveError } from "../src/_errors.ts";
import type { CheckPem, PemEntry } from "../src/_tls.ts";

const CERT_PEM = /-----BEGIN CERTIFICATE-----/;
const KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

function fail(message: string): never {
  throw new OmniserveError("ERR_TLS", message);
}

/** `tls` takes PEM, as Bun.serve and Deno.serve do; a one-line value is most likely a file's name. */
function pathHint(text: string): string {
  const path = text.length < 1024 && !/\s/.test(text) && /\.(pem|crt|cer|key)$|[\\/]/i.test(text);
  return path ? " (it looks like a file name: give the file's contents)" : "";
}

function certificate(text: string, what: string): X509Certificate {
  if (!CERT_PEM.test(text)) fail(`${what} is not a PEM certificate${pathHint(text) || ' (no "-----BEGIN CERTIFICATE-----" line)'}`);
  try {
    return new X509Certificate(text);
  } catch {
    return fail(`${what} is not a readable PEM certificate`);
  }
}

function privateKey(text: string, passphrase: string | undefined, where: string): KeyObject {
  if (!KEY_PEM.test(text)) fail(`tls${where}.key is not a PEM private key${pathHint(text) || ' (no "-----BEGIN ... PRIVATE KEY-----" line)'}`);
  const encrypted = /ENCRYPTED/.test(text);
  if (encrypted && passphrase === undefined) fail(`tls${where}.key is encrypted: give its passphrase as tls${where}.passphrase`);
  try {
    return createPrivateKey(encrypted ? { key: text, passphrase } : { key: text });
  } catch {
    return fail(encrypted ? `tls${where}.passphrase does not decrypt tls${where}.key` : `tls${where}.key is not a readable PEM private key`);
  }
}

/** Check one entry's certificate, key, dates and CAs; returns the key as unencrypted PEM. */
export const checkPem: CheckPem = (entry: PemEntry, where: string, now: number): string => {
  const x509 = certificate(entry.cert, `tls${where}.cert`);
  const key = privateKey(entry.key, entry.passphrase, where);
  const subject = x509.subject.replace(/\n/g, ", ");
  if (!x509.checkPrivateKey(key)) fail(`tls${where}.key does not match tls${where}.cert (${subject})`);
  // Node 20 has no validToDate; the string form parses everywhere.
  const validTo = new Date(x509.validTo);
  if (validTo.getTime() < now) fail(`tls${where}.cert (${subject}) expired on ${validTo.toISOString()}`);
  const validFrom = new Date(x509.validFrom);
  if (validFrom.getTime() > now) fail(`tls${where}.cert (${subject}) is not valid before ${validFrom.toISOString()}`);
  entry.ca?.forEach((ca, i) => certificate(ca, `tls${where}.ca${entry.ca!.length > 1 ? `[${i}]` : ""}`));
  return key.export({ format: "pem", type: "pkcs8" }) as string;
};
