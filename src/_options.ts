/**
 * Option defaults and validation, shared by every adapter.
 * @module
 */
import { type CheckPem, type TlsEntry, tlsEntries } from "./_tls.ts";
import { OmniserveError } from "./_errors.ts";
import type { PubSubOptions, ServeOptions } from "./types.ts";

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
  /** Pub/sub across instances, with its prefix filled in; undefined keeps pub/sub in this process. */
  pubsub: Required<PubSubOptions> | undefined;
  reusePort: boolean;
  /** This worker's number: `OMNISERVE_WORKER`, which the CLI sets for each worker it starts; else 0. */
  worker: number;
  /** TLS entries, the default first (SNI); undefined for plain HTTP. */
  tls: TlsEntry[] | undefined;
  /** Speak HTTP/2 (h2 by ALPN with TLS, h2c by prior knowledge without); default true. */
  http2: boolean;
}

/** Channel prefix when `pubsub.prefix` is not given. */
export const DEFAULT_PUBSUB_PREFIX = "omniserve:app:";

declare const process: { env: Record<string, string | undefined> } | undefined;

function env(name: string): string | undefined {
  try {
    return typeof process === "object" ? process.env[name] || undefined : undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}

/** `pubsub` as given, else `OMNISERVE_PUBSUB`, with its default prefix; undefined for none. */
export function resolvePubSub(option: ServeOptions["pubsub"]): Required<PubSubOptions> | undefined {
  const given = option ?? env("OMNISERVE_PUBSUB");
  if (given === undefined) return undefined;
  const { url, prefix } = typeof given === "string" ? { url: given, prefix: undefined } : given;
  if (typeof url !== "string" || url === "") {
    throw new OmniserveError("ERR_BAD_ARGUMENT", "pubsub needs a url such as redis://127.0.0.1:6379");
  }
  return { url, prefix: prefix ?? DEFAULT_PUBSUB_PREFIX };
}

/**
 * Check `options` and fill in defaults. Throws OmniserveError on bad input;
 * `checkPem` checks the TLS material (see _tls.ts).
 */
export function resolveOptions(options: ServeOptions, checkPem?: CheckPem): ResolvedOptions {
  if (!options || typeof options.fetch !== "function") {
    throw new OmniserveError("ERR_NO_FETCH", "serve options need a fetch(request) function");
  }
  const port = Number(options.port ?? env("PORT") ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `port must be 0-65535, got ${String(options.port)}`);
  }
  // `[::1]` as written in a URL is `::1`: Deno and Bun take the brackets, Node's lookup would not.
  const hostname = typeof options.hostname === "string" ? options.hostname.replace(/^\[(.*)\]$/, "$1") : options.hostname ?? "127.0.0.1";
  if (typeof hostname !== "string" || hostname === "") {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `hostname must be a host name or address, got ${options.hostname === "" ? '""' : String(options.hostname)}`);
  }
  checkWebSocket(options.websocket);
  return {
    port,
    hostname,
    maxRequestBodySize: wholeNumber("maxRequestBodySize", options.maxRequestBodySize, DEFAULT_MAX_BODY),
    idleTimeout: wholeNumber("idleTimeout", options.idleTimeout, DEFAULT_IDLE_TIMEOUT),
    pubsub: resolvePubSub(options.pubsub),
    reusePort: options.reusePort ?? false,
    worker: Number(env("OMNISERVE_WORKER") ?? 0) || 0,
    tls: tlsEntries(options.tls, checkPem),
    http2: options.http2 ?? true,
  };
}

/**
 * `value`, or `fallback` when it is undefined; anything but a whole number
 * of 0 or more (Bun.serve takes whole numbers only) is ERR_BAD_ARGUMENT,
 * before a runtime could refuse it in its own words, or take it.
 */
function wholeNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `${name} must be a whole number of 0 or more, got ${String(value)}`);
  }
  return value;
}

const HOOKS = ["upgrade", "open", "message", "close", "error"] as const;
const WS_LIMITS = ["maxPayloadLength", "idleTimeout", "backpressureLimit"] as const;

/** The `websocket` option's hooks are functions and its limits whole numbers, or ERR_BAD_ARGUMENT. */
function checkWebSocket(websocket: ServeOptions["websocket"]): void {
  if (websocket === undefined) return;
  if (websocket === null || typeof websocket !== "object") {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `websocket must be an object of hooks, got ${String(websocket)}`);
  }
  for (const hook of HOOKS) {
    const value = (websocket as Record<string, unknown>)[hook];
    if (value !== undefined && typeof value !== "function") {
      throw new OmniserveError("ERR_BAD_ARGUMENT", `websocket.${hook} must be a function, got ${typeof value}`);
    }
  }
  for (const limit of WS_LIMITS) wholeNumber(`websocket.${limit}`, websocket[limit], 0);
}

/** `http://host:port/`, with IPv6 hosts in brackets. */
export function formatUrl(protocol: "http" | "https", hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `${protocol}://${host}:${port}/`;
}
