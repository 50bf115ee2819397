/**
 * HTTPS on Deno: the checked TLS entries (src/_tls.ts) as `Deno.serve`'s
 * `cert` and `key`, and certificate reload. Deno.serve takes one certificate
 * and cannot ask for client certificates, so an SNI list or `requestCert` is
 * refused at start-up (ERR_TLS) rather than served differently. It cannot
 * swap a certificate either, so a reload opens a second server on the same
 * port with SO_REUSEPORT and shuts the first down gracefully. For that a TLS
 * server listens with `reusePort` (under `--unstable-net`); `claimPort` keeps
 * a port another server holds an error, as it is without.
 * @module
 */
import { listenError, OmniserveError } from "../../src/_errors.ts";
import type { TlsEntry } from "../../src/_tls.ts";
import { deno, type DenoHttpServer, type DenoServeOptions } from "./host.ts";

/** `Deno.serve`'s `cert` and `key` for `entries`; ERR_TLS for what Deno cannot serve. */
export function denoTls(entries: TlsEntry[]): { cert: string; key: string } {
  if (entries.length > 1) {
    throw new OmniserveError(
      "ERR_TLS",
      "Deno.serve takes one certificate: an SNI list (tls as an array of more than one entry) cannot be served on deno (denoland/deno#23233)",
    );
  }
  if (entries[0].requestCert) {
    throw new OmniserveError("ERR_TLS", "Deno.serve cannot ask for client certificates: tls.requestCert cannot be served on deno");
  }
  return { cert: entries[0].cert, key: entries[0].key };
}

/**
 * True when Deno runs with `--unstable-net` (the CLI passes it), which
 * `reusePort` over TLS needs: without it Deno.serve exits the process. The
 * flag's other APIs, such as `Deno.listenDatagram`, exist only then.
 */
export function canReusePort(): boolean {
  return typeof (deno() as unknown as { listenDatagram?: unknown }).listenDatagram === "function";
}

/** Serve `options` with `entries` on `old`'s port, then shut `old` down gracefully. */
export function relisten(old: DenoHttpServer, options: DenoServeOptions, entries: TlsEntry[]): { server: DenoHttpServer; drained: Promise<void> } {
  if (!options.reusePort) {
    throw new OmniserveError(
      "ERR_TLS",
      "reload({ tls }) on deno needs --unstable-net: Deno.serve cannot swap a certificate, so a second server takes over the port with reusePort",
    );
  }
  const tls = denoTls(entries);
  let server: DenoHttpServer;
  try {
    server = deno().serve({ ...options, port: old.addr.port, reusePort: true, ...tls });
  } catch (error) {
    throw listenError(error, old.addr);
  }
  return { server, drained: old.shutdown() };
}

/**
 * Throw AddrInUse if `port` is taken, as a plain bind would: a `reusePort`
 * server would silently share it with another one of the same user.
 */
export function claimPort(hostname: string, port: number): void {
  if (port !== 0) deno().listen({ hostname, port }).close();
}
