/**
 * The upgrade decision every adapter shares: run the `upgrade` hook, turn a
 * Response (returned or thrown) into a refusal, and pick the subprotocol.
 * @module
 */
import { internalError, unsendable } from "../_handler.ts";
import { logRequestError } from "../_log.ts";
import type { WebSocketOptions } from "../types.ts";

/** The hook refused: send this Response instead of 101. */
export interface Refusal {
  refuse: Response;
}

/** The hook accepted: these headers go on the 101 response. */
export interface Acceptance {
  refuse?: undefined;
  headers: Headers;
  context: Record<string, unknown>;
  /** The offered subprotocol the hook chose, if any: the only one the 101 may name. */
  protocol: string | undefined;
}

const UPGRADE_OPTION = /(?:^|,)\s*upgrade\s*(?:,|$)/i;

/**
 * True for `Upgrade: websocket` (any letter case) sent with the `upgrade`
 * connection option, as HTTP/1.1 requires of an upgrade (RFC 9110 7.8).
 * Without that option the request is a plain one and goes to `fetch`, as
 * Node's parser decides (Deno answered 400 and Bun upgraded it).
 */
export function isWebSocketUpgrade(headers: { get(name: string): string | null | undefined }): boolean {
  const upgrade = headers.get("upgrade");
  if (typeof upgrade !== "string" || upgrade.toLowerCase() !== "websocket") return false;
  const connection = headers.get("connection");
  return typeof connection === "string" && UPGRADE_OPTION.test(connection);
}

const KEY = /^[+/0-9A-Za-z]{21}[AQgw]==$/;

/**
 * RFC 6455 4.2.1 checks, the same on every runtime: a WebSocket upgrade must
 * be a GET with a Host (the upgrade is HTTP/1.1 only, where Host is required)
 * and a 16-byte base64 key (else 400) and version 13 (else 426 naming the
 * version we speak). Returns undefined when the handshake is fine.
 */
export function checkHandshake(
  method: string,
  host: string | null | undefined,
  key: string | null | undefined,
  version: string | null | undefined,
): Response | undefined {
  if (method !== "GET" || !host || !key || !KEY.test(key)) {
    return new Response("Bad Request", { status: 400, headers: { connection: "close" } });
  }
  if (version !== "13") {
    return new Response("Upgrade Required", {
      status: 426,
      headers: { connection: "close", "sec-websocket-version": "13" },
    });
  }
  return undefined;
}

/** Run the `upgrade` hook for `request` and decide. Never rejects. */
export async function decideUpgrade(
  hooks: WebSocketOptions,
  request: Request | (() => Request),
  protocols: string | null,
): Promise<Refusal | Acceptance> {
  let result: Awaited<ReturnType<NonNullable<WebSocketOptions["upgrade"]>>>;
  const get = typeof request === "function" ? request : () => request;
  try {
    result = hooks.upgrade ? await hooks.upgrade(get()) : undefined;
  } catch (error) {
    // crossws's hooks may also throw `{ response }` (an HTTPError from h3, say).
    const thrown = error instanceof Response ? error : (error as { response?: unknown } | null)?.response;
    if (thrown instanceof Response) return refusal(thrown, get);
    logRequestError(error, get());
    return { refuse: internalError() };
  }
  if (result instanceof Response) return refusal(result, get);
  const headers = new Headers(result?.headers);
  const offered = offeredProtocols(protocols);
  const wanted = result?.protocol ?? headers.get("sec-websocket-protocol") ?? undefined;
  headers.delete("sec-websocket-protocol");
  // RFC 6455 4.2.2: the server answers with a subprotocol only when it chose one of those offered.
  const protocol = wanted !== undefined && offered.includes(wanted) ? wanted : undefined;
  return { headers, context: result?.context ?? {}, protocol };
}

/**
 * Refuse with `response`; one no server can send (Response.error(), a body
 * already used: see `unsendable`) is logged and refused with a plain 500.
 */
function refusal(response: Response, request: () => Request): Refusal {
  let problem: unknown;
  try {
    problem = unsendable(response, "upgrade hook");
  } catch (error) {
    problem = error; // a Response-like whose fields cannot be read
  }
  if (problem === undefined) return { refuse: response };
  logRequestError(problem, request());
  return { refuse: internalError() };
}

/** `Sec-WebSocket-Protocol: a, b` as `["a", "b"]`. */
export function offeredProtocols(header: string | null): string[] {
  if (!header) return [];
  return header.split(",").map((p) => p.trim()).filter(Boolean);
}
