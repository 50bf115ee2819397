/**
 * Option defaults and validation, shared by every adapter.
 * @module
 */
import { OmniserveError } from "./_errors.ts";
import type { ServeOptions } from "./types.ts";

/** 128 MiB, as Bun.serve. */
export const DEFAULT_MAX_BODY: number = 128 * 1024 * 1024;
/** Seconds, as Bun.serve. */
export const DEFAULT_IDLE_TIMEOUT = 10;

/** Options after defaults: every field an adapter needs, resolved once. */
export interface ResolvedOptions {
  port: number;
  hostname: string;
  maxRequestBodySize: number;
  idleTimeout: number;
}

declare const process: { env: Record<string, string | undefined> } | undefined;

function envPort(): string | undefined {
  try {
    return typeof process === "object" ? process.env.PORT : undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}

/** Check `options` and fill in defaults. Throws OmniserveError on bad input. */
export function resolveOptions(options: ServeOptions): ResolvedOptions {
  if (!options || typeof options.fetch !== "function") {
    throw new OmniserveError("ERR_NO_FETCH", "serve options need a fetch(request) function");
  }
  const port = Number(options.port ?? envPort() ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `port must be 0-65535, got ${String(options.port)}`);
  }
  return {
    port,
    hostname: options.hostname ?? "127.0.0.1",
    maxRequestBodySize: options.maxRequestBodySize ?? DEFAULT_MAX_BODY,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
  };
}

/** `http://host:port/`, with IPv6 hosts in brackets. */
export function formatUrl(protocol: "http" | "https", hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `${protocol}://${host}:${port}/`;
}
