/**
 * The request pipeline every adapter shares: call `fetch`, insist on a
 * Response, route failures to `error`, and fall back to a plain 500.
 * Sync results stay sync so a sync handler costs no microtask.
 * @module
 */
import { hasCode, OmniserveError } from "./_errors.ts";
import { tooLarge } from "./_limit.ts";
import { logRequestError } from "./_log.ts";
import type { ErrorHandler, FetchHandler, ReloadOptions, ServeOptions, ServerContext } from "./types.ts";

/**
 * The platform's Response class, captured when this module loads. Adapters
 * replace `globalThis.Response` only when a server starts (never at import),
 * so this is the native class, and instances of their subclasses pass
 * `instanceof` against it. The plain 500/413/400 responses below are built
 * with the global `Response` at call time: while a server runs on Node or
 * Bun that is the adapter's subclass, which its sender writes fastest.
 */
const NativeResponse: typeof Response = globalThis.Response;

/** The swappable part of a server: `reload()` replaces these fields. */
export class Handlers {
  fetch: FetchHandler;
  error: ErrorHandler | undefined;
  readonly silent: boolean;
  /**
   * Set by an adapter whose runtime sends only its own Response objects (Deno,
   * Bun; see _foreign.ts): a Response from another library is rebuilt by it.
   */
  readonly toNative: ((response: Response) => Response) | undefined;
  /** Set by an adapter whose runtime reports a client that left only through the error (Deno). */
  readonly clientGone: ((error: unknown) => boolean) | undefined;
  /** Set by an adapter whose runtime reports a malformed request body only through the error (Deno): its reason. */
  readonly malformedBody: ((error: unknown) => string | undefined) | undefined;
  constructor(
    options: ServeOptions,
    toNative?: (response: Response) => Response,
    clientGone?: (error: unknown) => boolean,
    malformedBody?: (error: unknown) => string | undefined,
  ) {
    this.fetch = options.fetch;
    this.error = options.error;
    this.silent = options.silent ?? false;
    this.toNative = toNative;
    this.clientGone = clientGone;
    this.malformedBody = malformedBody;
  }
  /** `server.reload()`: swap what is given; `error: undefined` removes the hook. */
  reload(handlers: ReloadOptions): void {
    if (handlers.fetch) this.fetch = handlers.fetch;
    if ("error" in handlers) this.error = handlers.error;
  }
}

/** Run `fetch` for one request; never throws, never rejects. */
export function invoke(
  h: Handlers,
  request: Request,
  ctx: ServerContext,
): Response | Promise<Response> {
  let result: unknown;
  try {
    result = h.fetch(request, ctx);
  } catch (error) {
    return fail(h, error, request);
  }
  if (result instanceof NativeResponse) return sendable(h, result, request);
  if (isThenable(result)) {
    return (result as Promise<unknown>).then(
      (value) => value instanceof NativeResponse ? sendable(h, value, request) : fail(h, notAResponse(value), request),
      (error) => fail(h, error, request),
    );
  }
  return fail(h, notAResponse(result), request);
}

/** `response` as the runtime's own Response; one it cannot send goes to `fail`. */
function sendable(h: Handlers, response: Response, request: Request): Response | Promise<Response> {
  try {
    const problem = unsendable(response, "handler");
    if (problem !== undefined) return fail(h, problem, request);
    return h.toNative === undefined ? response : h.toNative(response);
  } catch (error) {
    return fail(h, error, request);
  }
}

/**
 * Why no server can send `response`, or undefined: Response.error() (status 0,
 * a network error), or a body already used, read by the app or sent for an
 * earlier request (a Response kept in a variable and returned again). Deno.serve
 * and Bun.serve refuse both, each with its own 500 and log; Node would send the
 * kept body again. Checked here once, so every runtime gives the same plain 500
 * and one log line (an upgrade hook's refusal too, src/ws/_upgrade.ts). `bodyUsed`
 * is a flag on every runtime: no stream is built.
 */
export function unsendable(response: Response, who: string): OmniserveError | undefined {
  if (response.bodyUsed) {
    return new OmniserveError(
      "ERR_INVALID_RESPONSE",
      `${who} returned a Response whose body was already used (read, or sent for an earlier request): make a new Response for each request`,
    );
  }
  if (response.status === 0) return new OmniserveError("ERR_INVALID_RESPONSE", `${who} returned Response.error(), which no server can send`);
  return undefined;
}

/**
 * `invoke` for callers that take a callback: `done` runs synchronously for a
 * sync Response and after a single `then` for an async one.
 */
export function respond(
  h: Handlers,
  request: Request,
  ctx: ServerContext,
  done: (response: Response) => void,
): void {
  let result: unknown;
  try {
    result = h.fetch(request, ctx);
  } catch (error) {
    return settle(fail(h, error, request), done);
  }
  if (result instanceof NativeResponse) return settle(sendable(h, result, request), done);
  if (isThenable(result)) {
    (result as Promise<unknown>).then(
      (value) => settle(value instanceof NativeResponse ? sendable(h, value, request) : fail(h, notAResponse(value), request), done),
      (error) => settle(fail(h, error, request), done),
    );
    return;
  }
  settle(fail(h, notAResponse(result), request), done);
}

function settle(response: Response | Promise<Response>, done: (response: Response) => void): void {
  if (response instanceof NativeResponse) done(response);
  else (response as Promise<Response>).then(done);
}

/** Turn an error into the response the client gets; logs it once. */
export function fail(
  h: Handlers,
  error: unknown,
  request: Request,
): Response | Promise<Response> {
  // A failed body read the handler let through: the limit's own 413, nothing to log or hook.
  if (hasCode(error, "ERR_BODY_TOO_LARGE")) return tooLarge();
  if (hasCode(error, "ERR_MALFORMED_BODY")) return badRequest(); // the adapter already answered and logged
  if (hasCode(error, "ERR_BODY_STALLED")) return requestTimeout(); // logged where the read stalled (Deno's _stall.ts)
  const malformed = h.malformedBody?.(error);
  if (malformed !== undefined) {
    // The client broke the body's framing: the 400 and one line, as Node's parser errors get, not the app's 500.
    logRequestError(new OmniserveError("ERR_MALFORMED_BODY", `400 Bad Request: the request body's framing is malformed (${malformed})`), request);
    return badRequest();
  }
  // The client left (mid-upload, say) and the handler failed for it: the client's choice, not a server
  // error. Nothing to log, nobody to answer; the error hook is not called either.
  if (clientGone(request) || h.clientGone?.(error)) return internalError();
  if (!h.error) {
    if (!h.silent) logRequestError(error, request);
    return internalError();
  }
  try {
    const result = h.error(error, request);
    if (result instanceof NativeResponse) return fromErrorHook(h, result, request);
    if (isThenable(result)) {
      return (result as Promise<unknown>).then(
        (value) => value instanceof NativeResponse ? fromErrorHook(h, value, request) : errorHookFailed(h, notAResponse(value, "error hook"), request),
        (error2) => errorHookFailed(h, error2, request),
      );
    }
    return errorHookFailed(h, notAResponse(result, "error hook"), request);
  } catch (error2) {
    return errorHookFailed(h, error2, request);
  }
}

function fromErrorHook(h: Handlers, response: Response, request: Request): Response {
  try {
    const problem = unsendable(response, "error hook");
    if (problem !== undefined) return errorHookFailed(h, problem, request);
    return h.toNative === undefined ? response : h.toNative(response);
  } catch (error) {
    return errorHookFailed(h, error, request);
  }
}

function errorHookFailed(h: Handlers, error: unknown, request: Request): Response {
  if (!h.silent) logRequestError(error, request);
  return internalError();
}

/** True when the request's client disconnected (its signal aborted when the connection closed). */
function clientGone(request: Request): boolean {
  try {
    return request.signal.aborted;
  } catch {
    return false;
  }
}

function notAResponse(value: unknown, who = "handler"): OmniserveError {
  const what = value === null ? "null" : typeof value === "object"
    ? (value as object).constructor?.name ?? "object"
    : typeof value;
  return new OmniserveError("ERR_INVALID_RESPONSE", `${who} returned ${what}, not a Response`);
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** A plain 500 that says nothing about the internals. */
export function internalError(): Response {
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain;charset=UTF-8" },
  });
}

/** 431 for a request head past a bound the runtime's parser leaves to the server (too many header fields). */
export function headersTooLarge(): Response {
  return new Response("Request Header Fields Too Large", {
    status: 431,
    headers: { "content-type": "text/plain;charset=UTF-8", connection: "close" },
  });
}

/** 408 for a request body that stalled (RFC 9110 15.5.9), and the connection closed after it. */
export function requestTimeout(): Response {
  return new Response("Request Timeout", {
    status: 408,
    headers: { "content-type": "text/plain;charset=UTF-8", connection: "close" },
  });
}

/**
 * 400 for a request the runtime parsed but HTTP forbids (no Host, say); the connection closes after it (with
 * `close` false the header is left to the runtime: Deno closes a connection whose body was not read and says so).
 */
export function badRequest(close = true): Response {
  return new Response("Bad Request", {
    status: 400,
    headers: close ? { "content-type": "text/plain;charset=UTF-8", connection: "close" } : { "content-type": "text/plain;charset=UTF-8" },
  });
}
