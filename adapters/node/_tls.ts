/**
 * HTTPS on Node: the checked TLS entries (src/_tls.ts) as secure contexts.
 * The options here are the ones `https.createServer` and
 * `http2.createSecureServer` both take. A client that sends a name by SNI gets
 * the context `SNICallback` picks from the current list; one that sends none
 * gets the server's own context. `reload` replaces both, so the next handshake
 * uses the new certificate while open connections keep theirs.
 * @module
 */
import tls from "node:tls";
import { entryFor, type TlsEntry } from "../../src/_tls.ts";
import type { PeerCertificate, TLSInfo } from "../../src/types.ts";

interface NamedContext {
  serverName?: string;
  context: tls.SecureContext;
}

function contextOptions(entry: TlsEntry): tls.SecureContextOptions {
  return { cert: entry.cert, key: entry.key, ...(entry.ca ? { ca: entry.ca } : {}) };
}

function contexts(entries: TlsEntry[]): NamedContext[] {
  return entries.map((e) => ({ serverName: e.serverName, context: tls.createSecureContext(contextOptions(e)) }));
}

/** A server's certificates, swappable. */
export class NodeTls {
  #contexts: NamedContext[];
  readonly #entries: TlsEntry[];

  constructor(entries: TlsEntry[]) {
    this.#entries = entries;
    this.#contexts = contexts(entries);
  }

  /** Spread into the options of `https.createServer` (or `http2.createSecureServer`). */
  serverOptions(): tls.TlsOptions {
    const first = this.#entries[0];
    return {
      ...contextOptions(first),
      requestCert: first.requestCert,
      // With requestCert, a client without a certificate signed by `ca` fails the handshake.
      rejectUnauthorized: true,
      SNICallback: (serverName, done) => done(null, entryFor(this.#contexts, serverName).context),
    };
  }

  /** New connections to `server` get `entries` from now on. */
  reload(server: tls.Server, entries: TlsEntry[]): void {
    const next = contexts(entries);
    server.setSecureContext(contextOptions(entries[0]));
    this.#contexts = next;
  }
}

/** Subject or issuer fields as strings (Node gives an array for a repeated field). */
function fields(names: object | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(names ?? {})) out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  return out;
}

/** `ctx.tls` for a request on `socket`. */
export function nodeTlsInfo(socket: tls.TLSSocket): TLSInfo {
  const name = socket.servername;
  const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
  const peerCertificate: PeerCertificate | undefined = peer?.subject
    ? {
      subject: fields(peer.subject),
      issuer: fields(peer.issuer),
      fingerprint256: peer.fingerprint256,
      validFrom: peer.valid_from,
      validTo: peer.valid_to,
    }
    : undefined;
  return {
    alpn: socket.alpnProtocol || "http/1.1",
    ...(name ? { serverName: name } : {}),
    ...(peerCertificate ? { peerCertificate } : {}),
  };
}
