/**
 * TLS options in one shape for every adapter: `tls` as given (one entry or an
 * SNI list) becomes a non-empty list of entries with PEM text, the default
 * first. Adapters translate the list into their runtime's options.
 *
 * @module
 */
import { OmniserveError } from "./_errors.ts";
import type { PemInput, TLSOptions } from "./types.ts";

/** One TLS entry with its PEM as text. */
export interface TlsEntry {
  cert: string;
  key: string;
  passphrase?: string;
  ca?: string[];
  requestCert: boolean;
  serverName?: string;
}

const decoder = new TextDecoder();

function pem(value: PemInput, what: string): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return decoder.decode(value);
  throw new OmniserveError("ERR_TLS", `tls.${what} must be PEM text or bytes`);
}

/** `tls` as a list of entries, the default first; undefined without TLS. */
export function tlsEntries(tls: TLSOptions | TLSOptions[] | undefined): TlsEntry[] | undefined {
  if (tls === undefined) return undefined;
  const list = Array.isArray(tls) ? tls : [tls];
  if (list.length === 0) throw new OmniserveError("ERR_TLS", "tls is an empty list: give at least one { cert, key }");
  return list.map((entry, i) => {
    const where = list.length > 1 ? `[${i}]` : "";
    if (!entry || entry.cert === undefined || entry.key === undefined) {
      throw new OmniserveError("ERR_TLS", `tls${where} needs both cert and key`);
    }
    return {
      cert: pem(entry.cert, `${where}cert`),
      key: pem(entry.key, `${where}key`),
      ...(entry.passphrase !== undefined ? { passphrase: entry.passphrase } : {}),
      ...(entry.ca !== undefined ? { ca: (Array.isArray(entry.ca) ? entry.ca : [entry.ca]).map((ca) => pem(ca, `${where}ca`)) } : {}),
      requestCert: entry.requestCert === true,
      ...(entry.serverName !== undefined ? { serverName: entry.serverName } : {}),
    };
  });
}
