/**
 * A light `Response` for Node. Constructing undici's Response and reading its
 * body back as a stream costs more than the rest of a hello request, so this
 * class keeps the body and init as given and the sender writes them straight
 * to the socket. Reading it like a Response (headers, text(), body, clone())
 * works; anything beyond the fast fields builds the native Response once.
 * `instanceof Response` holds for both classes.
 * @module
 */

import { swapGlobalResponse } from "../../src/_global-response.ts";
import { delegateToNative } from "./_delegate.ts";
import { TOKEN } from "./_headers.ts";
import { checkStatusText, isFormData, NULL_BODY_STATUS, standardBody, webidlStatus } from "../../src/_body-init.ts";

const NativeResponse: typeof Response = globalThis.Response;

/** Body types the sender writes without a stream (a Blob is read whole first). */
export type FastBody = string | Uint8Array | Blob | null;

/** What the sender needs from a FastResponse. */
export interface FastParts {
  status: number;
  headers: HeadersInit | undefined;
  body: FastBody;
  /** The content-type the Fetch standard gives this body when none is set. */
  contentType: string | undefined;
}

const TEXT_PLAIN = "text/plain;charset=UTF-8";
/** Shared and never mutated: FastResponse copies into a Headers before anyone can write. */
const JSON_HEADERS: [string, string][] = [["content-type", "application/json"]];

/** A header value as the Headers class keeps it: visible ASCII, spaces and tabs inside, none around. */
const VALUE = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/;

/**
 * True when every name and value in `init` (a record or an array of pairs)
 * is one the Headers class would keep as it is. Anything else (a value with
 * spaces around it or bytes past ASCII, one that is no string, a name or
 * value it refuses, another iterable) is made a real Headers at construction, which trims what the
 * standard trims and throws the standard TypeError, as Deno's and Bun's
 * Response constructors do; the common case costs two tests per header.
 */
function plainHeaders(init: HeadersInit): boolean {
  if (Array.isArray(init)) {
    for (const pair of init) if (pair.length !== 2 || !plainField(pair[0], pair[1])) return false;
    return true;
  }
  if (Symbol.iterator in init) return false;
  // A record's own fields only: an inherited one is no header to the standard (a real Headers drops it).
  for (const name in init) if (!plainField(name, (init as Record<string, unknown>)[name]) || !Object.hasOwn(init, name)) return false;
  return true;
}

/** A name and a value (a string: a number or an array is made one by a real Headers) kept as they are. */
const plainField = (name: string, value: unknown): boolean => typeof value === "string" && TOKEN.test(name) && VALUE.test(value);

/** True when `init`'s status and statusText are what WebIDL would make of them: a whole number in 0-65535, a string. */
function plainInit(init: ResponseInit): boolean {
  const { status, statusText } = init;
  return (status === undefined || (typeof status === "number" && (status & 0xffff) === status)) &&
    (statusText === undefined || typeof statusText === "string");
}

/**
 * `init` with its status and statusText converted as WebIDL converts them
 * (`unsigned short`, `ByteString`), as Deno's, Bun's and undici's Response
 * constructors do: a status `"204"` is 204 (no body, no Content-Length), 200.7
 * is 200 (with its reason phrase), a statusText `5` is `"5"`.
 */
function standardInit(init: ResponseInit): ResponseInit {
  const { status, statusText } = init;
  return {
    ...init,
    status: status === undefined ? undefined : webidlStatus(status),
    statusText: statusText === undefined ? undefined : String(statusText),
  };
}

/** The body of a response that was sent: disturbed, as a read body is. */
function usedBody(): ReadableStream<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  stream.getReader().read().catch(() => {});
  return stream;
}

/** undici's own `status` getter, which throws for an object undici did not make. */
const nativeStatus = Object.getOwnPropertyDescriptor(NativeResponse.prototype, "status")!.get!;

/**
 * True for a Response undici made (fetch() results, `Response.error()`, ...);
 * false for a FastResponse and for another library's Response-like, which
 * passes `instanceof Response` by its prototype chain alone.
 */
export function isNativeResponse(value: object): boolean {
  try {
    nativeStatus.call(value);
    return true;
  } catch {
    return false;
  }
}

export class FastResponse {
  #body: BodyInit | null;
  #init: ResponseInit | undefined;
  #headers: Headers | undefined;
  #native: Response | undefined;
  /** Sent by the server: the body is used, as Deno's and Bun's are once sent. */
  #sent = false;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    body = standardBody(body) as BodyInit | null | undefined;
    if (init !== undefined && !plainInit(init)) init = standardInit(init);
    checkStatusText(init?.statusText);
    const headers = init?.headers;
    if (headers != null && headers !== JSON_HEADERS && !(headers instanceof Headers) && !plainHeaders(headers)) {
      init = { status: init!.status, statusText: init!.statusText, headers: new Headers(headers) };
    }
    this.#body = body ?? null;
    this.#init = init;
    const status = init?.status;
    if (status !== undefined && (status < 200 || status > 599 || (body != null && NULL_BODY_STATUS.has(status)))) {
      this._native(); // let undici throw its RangeError or TypeError, as Deno and Bun do
    }
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data);
    if (body === undefined) return NativeResponse.json(data, init);
    if (!init?.headers) {
      return new FastResponse(body, { status: init?.status, statusText: init?.statusText, headers: JSON_HEADERS }) as unknown as Response;
    }
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new FastResponse(body, { ...init, headers }) as unknown as Response;
  }

  static redirect(url: string | URL, status?: number): Response {
    return NativeResponse.redirect(url, status);
  }

  static error(): Response {
    return NativeResponse.error();
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }

  /** True only for a FastResponse (`instanceof` is true for native responses too). */
  static isFast(value: object): value is FastResponse {
    return #body in value;
  }

  get status(): number {
    return this.#native ? this.#native.status : this.#init?.status ?? 200;
  }

  get statusText(): string {
    return this.#native ? this.#native.statusText : this.#init?.statusText ?? "";
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status < 300;
  }

  /**
   * One object for the response's life ([SameObject]): headers handed out
   * before the native Response was built stay this response's headers after
   * (the sender and `clone()` read them), so a header set through them later
   * is sent, as on Deno and Bun.
   */
  get headers(): Headers {
    if (this.#headers) return this.#headers;
    if (this.#native) return this.#native.headers;
    const headers = new Headers(this.#init?.headers);
    // What the Fetch standard's Response constructor adds for the body type.
    const body = this.#body;
    const type = typeof body === "string"
      ? TEXT_PLAIN
      : body instanceof URLSearchParams
      ? "application/x-www-form-urlencoded;charset=UTF-8"
      : body instanceof Blob && body.type
      ? body.type
      : undefined;
    // A form's boundary is chosen when the body is built: the native Response says it.
    if (type === undefined && isFormData(body)) return this._native().headers;
    if (type && !headers.has("content-type")) headers.set("content-type", type);
    return (this.#headers = headers);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this._native().body;
  }

  /** The native clone, with the headers this response has now (see `headers`). */
  clone(): Response {
    const clone = this._native().clone();
    const headers = this.#headers;
    if (headers) {
      for (const name of [...clone.headers.keys()]) clone.headers.delete(name);
      for (const [name, value] of headers) clone.headers.append(name, value);
    }
    return clone;
  }

  get bodyUsed(): boolean {
    return this.#native ? this.#native.bodyUsed : this.#sent;
  }

  /** The server sends the body now (from `_fast()` or `_stream()`); a null body is never used. @internal */
  _send(): void {
    if (this.#body !== null) this.#sent = true;
  }

  /**
   * The fields the sender writes directly, or undefined when the body needs a
   * stream (or the native Response already exists). @internal
   */
  _fast(): FastParts | undefined {
    if (this.#native) return undefined;
    let body = this.#body as BodyInit | null;
    let contentType: string | undefined;
    if (body === null || typeof body === "string") {
      if (body !== null) contentType = TEXT_PLAIN;
    } else if (body instanceof Uint8Array) {
      // as is
    } else if (body instanceof ArrayBuffer) {
      body = new Uint8Array(body);
    } else if (ArrayBuffer.isView(body)) {
      body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    } else if (body instanceof URLSearchParams) {
      body = body.toString();
      contentType = "application/x-www-form-urlencoded;charset=UTF-8";
    } else if (body instanceof Blob) {
      contentType = body.type || undefined;
    } else {
      return undefined;
    }
    return {
      status: this.#init?.status ?? 200,
      headers: this.#headers ?? this.#init?.headers,
      body: body as FastBody,
      contentType,
    };
  }

  /** Status, headers and stream of a ReadableStream body, or undefined. @internal */
  _stream(): { status: number; headers: HeadersInit | undefined; body: ReadableStream<Uint8Array> } | undefined {
    if (this.#native || !(this.#body instanceof ReadableStream)) return undefined;
    return {
      status: this.#init?.status ?? 200,
      headers: this.#headers ?? this.#init?.headers,
      body: this.#body,
    };
  }

  /** The native Response, built on first need. @internal */
  _native(): Response {
    if (this.#sent && !this.#native) {
      const headers = this.headers; // with the content-type the body gave it
      return (this.#native = new NativeResponse(usedBody(), { status: this.status, statusText: this.statusText, headers }));
    }
    return (this.#native ??= new NativeResponse(this.#body, {
      status: this.#init?.status,
      statusText: this.#init?.statusText,
      headers: this.#headers ?? this.#init?.headers,
    }));
  }
}

// Everything else a Response has (clone, formData, blob, ...) goes to the native one.
delegateToNative(FastResponse, NativeResponse, "Response");

/**
 * Make `new Response()` build a FastResponse in this process (or, with
 * `false`, the native Response again). `instanceof Response` keeps working
 * for native and fast responses alike.
 */
export function installFastResponse(on = true): void {
  swapGlobalResponse(NativeResponse, FastResponse as unknown as typeof Response, on);
}
