/**
 * HTTPS on Bun: the checked TLS entries (src/_tls.ts) as `Bun.serve`'s `tls`
 * option, and certificate reload. Bun picks an entry by SNI natively (exact
 * names and `*.` wildcards, the first entry the default), but its
 * `server.reload()` ignores `tls` (oven-sh/bun#43815), so a reload opens a
 * second server on the same port with SO_REUSEPORT and stops the first
 * gracefully: new connections reach the new one, open ones finish on the old.
 * For that a TLS server always listens with `reusePort`; `claimPort` keeps a
 * port another server holds an error, as it is without.
 * @module
 */
import { listenError } from "../../src/_errors.ts";
import type { TlsEntry } from "../../src/_tls.ts";
import { bun, type BunServeOptions, type BunServer, type BunTlsOptions } from "./host.ts";

/** `Bun.serve`'s `tls` for `entries`: one object, or a list matched by `serverName`. */
export function bunTls(entries: TlsEntry[]): BunTlsOptions | BunTlsOptions[] {
  const list = entries.map((e): BunTlsOptions => ({
    cert: e.cert,
    key: e.key,
    ...(e.ca ? { ca: e.ca } : {}),
    ...(e.requestCert ? { requestCert: true, rejectUnauthorized: true } : {}),
    ...(e.serverName !== undefined ? { serverName: e.serverName } : {}),
  }));
  return list.length === 1 ? list[0] : list;
}

/** Serve `options` with `entries` on `old`'s port, then let `old` finish its connections and close. */
export function relisten(old: BunServer, options: BunServeOptions, entries: TlsEntry[]): { server: BunServer; drained: Promise<void> } {
  let server: BunServer;
  try {
    server = bun().serve({ ...options, port: old.port, reusePort: true, tls: bunTls(entries) });
  } catch (error) {
    throw listenError(error, { port: old.port, hostname: old.hostname });
  }
  const drained = Promise.resolve(old.stop(false));
  return { server, drained };
}

/**
 * Throw EADDRINUSE if `port` is taken, as a plain bind would: a `reusePort`
 * server would silently share it with another one of the same user.
 */
export function claimPort(hostname: string, port: number): void {
  if (port !== 0) bun().listen({ hostname, port, socket: { data() {} } }).stop(true);
}
