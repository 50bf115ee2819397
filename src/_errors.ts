/**
 * Errors with stable codes. `instanceof` works across duplicate copies of the
 * package because the check is by a registered symbol, not by class identity.
 * @module
 */

const BRAND = "__omniserveError";

/** Stable error codes; documented in the README. */
export type ErrorCode =
  | "ERR_NO_FETCH"
  | "ERR_INVALID_RESPONSE"
  | "ERR_BODY_TOO_LARGE"
  | "ERR_MALFORMED_BODY"
  | "ERR_BODY_STALLED"
  | "ERR_RESPONSE_STREAM"
  | "ERR_PORT_IN_USE"
  | "ERR_LISTEN"
  | "ERR_UNKNOWN_RUNTIME"
  | "ERR_MODULE_NOT_FOUND"
  | "ERR_MODULE_LOAD"
  | "ERR_RUNTIME_NOT_FOUND"
  | "ERR_BAD_ARGUMENT"
  | "ERR_PUBSUB"
  | "ERR_STATIC_ROOT"
  | "ERR_TLS"
  | "ERR_SERVER_KILLED";

/** An error raised by omniserve itself, with a stable `code`. */
export class OmniserveError extends Error {
  readonly code: ErrorCode;
  /** Marks omniserve errors across duplicate package copies. */
  readonly __omniserveError: true = true;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "OmniserveError";
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && BRAND in value;
  }
}

/** True when `error` is an OmniserveError carrying `code`. */
export function hasCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof OmniserveError && error.code === code;
}

/**
 * Why a listen failed, in the same words on every runtime: each says it its own way (a host that does not
 * resolve is ENOTFOUND to Node, "failed to lookup address information" to Deno, EINVAL to Bun).
 */
function listenReason(e: { code?: string; message?: string }, hostname: string): string | undefined {
  const literal = /^[\d.]+$|:/.test(hostname);
  if (e.code === "ENOTFOUND" || /failed to lookup address/.test(e.message ?? "") || (e.code === "EINVAL" && !literal)) {
    return `no such host ${hostname}`;
  }
  if (e.code === "EADDRNOTAVAIL") return `${hostname} is not an address of this machine`;
  if (e.code === "EINVAL") return `${hostname} is not an address this machine can listen on`;
  return undefined;
}

/**
 * The error for a server that could not listen: ERR_PORT_IN_USE with a
 * sentence a user can act on, else ERR_LISTEN. Node and Bun say EADDRINUSE,
 * Deno says AddrInUse.
 */
export function listenError(error: unknown, where: { port: number; hostname: string }): OmniserveError {
  const e = error as { code?: string; name?: string; message?: string };
  if (e.code === "EADDRINUSE" || e.name === "AddrInUse") {
    return new OmniserveError("ERR_PORT_IN_USE", `port ${where.port} is already in use on ${where.hostname}`);
  }
  const reason = listenReason(e, where.hostname) ?? e.message ?? String(error);
  return new OmniserveError("ERR_LISTEN", `cannot listen on ${where.hostname}:${where.port}: ${reason}`, { cause: error });
}
