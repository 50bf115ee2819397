/**
 * TLS options in one shape for every adapter: `tls` as given (one entry or an
 * SNI list) becomes a non-empty list of checked entries with PEM text, the
 * default first. The rules on the list live here; the PEM itself is checked
 * (and an encrypted key decrypted) by the `CheckPem` each adapter passes in
 * (tls/check.ts, on `node:crypto`), so every runtime gives the same ERR_TLS.
 * Adapters translate the list into their runtime's options.
 *
 * @module
 */
import { OmniserveError } from "./_errors.ts";
import type { PemInput, TLSOptions } from "./types.ts";

/** One TLS entry, checked, with its PEM as text and its key decrypted. */
export interface TlsEntry {
  cert: string;
  /** The private key, unencrypted PEM. */
  key: string;
  ca?: string[];
  requestCert: boolean;
  /** Lower-case host name or `*.` wildcard; undefined only for a default that names no host. */
  serverName?: string;
}

/** One entry's PEM as text, before the check. */
export interface PemEntry {
  cert: string;
  key: string;
  passphrase?: string;
  ca?: string[];
}

/**
 * Checks one entry's PEM (`where` is `""` or `"[i]"` for messages) at time
 * `now`; returns the key as unencrypted PEM or throws ERR_TLS.
 */
export type CheckPem = (entry: PemEntry, where: string, now: number) => string;

const decoder = new TextDecoder();
/** A host name, or `*.` and a host name: the one wildcard form TLS clients match (RFC 6125 6.4.3). */
const SERVER_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function fail(message: string): never {
  throw new OmniserveError("ERR_TLS", message);
}

function pem(value: PemInput, what: string): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return decoder.decode(value);
  return fail(`${what} must be PEM text or bytes`);
}

function checkedServerName(name: unknown, where: string): string {
  const lower = typeof name === "string" ? name.toLowerCase() : "";
  if (!SERVER_NAME.test(lower)) fail(`tls${where}.serverName must be a host name or a wildcard such as *.example.test, got ${JSON.stringify(name)}`);
  return lower;
}

function entry(given: TLSOptions, i: number, count: number, check: CheckPem, now: number): TlsEntry {
  const where = count > 1 ? `[${i}]` : "";
  if (!given || given.cert === undefined || given.key === undefined) fail(`tls${where} needs both cert and key`);
  const cert = pem(given.cert, `tls${where}.cert`);
  const ca = given.ca === undefined ? undefined : (Array.isArray(given.ca) ? given.ca : [given.ca]).map((c, j) => pem(c, `tls${where}.ca[${j}]`));
  const passphrase = given.passphrase;
  const key = check({ cert, key: pem(given.key, `tls${where}.key`), ...(passphrase !== undefined ? { passphrase } : {}), ...(ca ? { ca } : {}) }, where, now);
  const requestCert = given.requestCert === true;
  if (requestCert && !ca?.length) fail(`tls${where}.requestCert needs tls${where}.ca: the authorities that sign the client certificates`);
  // In a list every entry but the default names its host; the default may name one too.
  const serverName = given.serverName === undefined && (i === 0 || count === 1) ? undefined : checkedServerName(given.serverName, where);
  return { cert, key, ...(ca ? { ca } : {}), requestCert, ...(serverName !== undefined ? { serverName } : {}) };
}

/** Client certificates are asked for by the whole server, whatever name the client sends. */
function checkSameClientAuth(entries: TlsEntry[]): void {
  const first = entries[0];
  entries.forEach((e, i) => {
    if (e.requestCert !== first.requestCert || (e.ca ?? []).join() !== (first.ca ?? []).join()) {
      fail(`tls[${i}] has other requestCert or ca than tls[0]: a server asks every client alike, so give each entry the same`);
    }
  });
}

function checkUniqueNames(entries: TlsEntry[]): void {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (e.serverName === undefined) return;
    if (seen.has(e.serverName)) fail(`tls[${i}].serverName ${e.serverName} is given twice`);
    seen.add(e.serverName);
  });
}

/**
 * `tls` as a list of checked entries, the default first; undefined without
 * TLS. Throws OmniserveError ERR_TLS with one sentence on bad input.
 */
export function tlsEntries(tls: TLSOptions | TLSOptions[] | undefined, check: CheckPem | undefined, now: number = Date.now()): TlsEntry[] | undefined {
  if (tls === undefined) return undefined;
  if (!check) fail("tls needs an adapter that checks certificates");
  const list = Array.isArray(tls) ? tls : [tls];
  if (list.length === 0) fail("tls is an empty list: give at least one { cert, key }, the first being the default");
  const entries = list.map((given, i) => entry(given, i, list.length, check, now));
  checkSameClientAuth(entries);
  checkUniqueNames(entries);
  return entries;
}

/** True when `serverName` (lower case) is `pattern`, or one label under a `*.` pattern. */
function nameMatches(pattern: string, serverName: string): boolean {
  if (!pattern.startsWith("*.")) return pattern === serverName;
  const dot = serverName.indexOf(".");
  return dot > 0 && serverName.slice(dot + 1) === pattern.slice(2);
}

/**
 * The entry for a client that asked for `serverName` by SNI: an exact name
 * first, then a wildcard, else the default (the first entry).
 */
export function entryFor<T extends { serverName?: string }>(entries: readonly T[], serverName: string | undefined): T {
  if (serverName) {
    const name = serverName.toLowerCase();
    const exact = entries.find((e) => e.serverName === name);
    if (exact) return exact;
    const wildcard = entries.find((e) => e.serverName !== undefined && nameMatches(e.serverName, name));
    if (wildcard) return wildcard;
  }
  return entries[0];
}

/**
 * The entries for `server.reload({ tls })`, checked as at start-up. A server
 * started without TLS cannot gain it, and client certificates cannot be
 * turned on or off (the runtimes ask for them per server, not per context).
 */
export function reloadEntries(current: TlsEntry[] | undefined, tls: TLSOptions | TLSOptions[], check: CheckPem | undefined): TlsEntry[] {
  if (!current) fail("reload({ tls }) needs a server started with tls");
  const entries = tlsEntries(tls, check)!;
  if (entries[0].requestCert !== current[0].requestCert) {
    fail("reload({ tls }) cannot turn requestCert on or off: start a new server for that");
  }
  return entries;
}
