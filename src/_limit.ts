/**
 * `maxRequestBodySize`, one path for every adapter that enforces it itself
 * (Bun enforces it natively). A declared Content-Length over the limit is
 * refused before the handler runs (`declaredTooLarge`). A body of unknown
 * length (chunked) is counted as the handler reads it (`BodyLimit`), and the
 * read fails past the limit, so the excess is never buffered. Once a body
 * went over, the client gets 413 whatever the handler answered
 * (`BodyLimit.settle`): it may have caught the failed read.
 * @module
 */
import { OmniserveError } from "./_errors.ts";

/**
 * After an early response (413, or a handler that answers without reading the
 * body), an adapter reads and discards the rest of the body for at most this
 * long and this many bytes before it closes, so the response reaches a client
 * that is still sending (nginx's lingering close; see adapters/node/_linger.ts).
 */
export const LINGER_MS: number = 5_000;
/** See {@link LINGER_MS}. */
export const LINGER_BYTES: number = 64 * 1024 * 1024;

/**
 * Read and discard what is left of `body`, up to `LINGER_BYTES` and
 * `LINGER_MS`; resolves when done, never rejects. A locked body (still read
 * by someone) is left alone.
 */
export async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    if (!body) return;
    reader = body.getReader();
  } catch {
    return;
  }
  let left = LINGER_BYTES;
  const timer = setTimeout(() => reader.cancel().catch(() => {}), LINGER_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if ((left -= value.byteLength) < 0) {
        reader.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    // the client left, or the timer cancelled the read
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 413 for a body over `maxRequestBodySize`; the connection closes after it
 * (with `close` false it may stay: Bun, see adapters/bun/_limit.ts).
 */
export function tooLarge(close = true): Response {
  return new Response("Payload Too Large", {
    status: 413,
    statusText: "Payload Too Large",
    headers: close ? { "content-type": "text/plain;charset=UTF-8", connection: "close" } : { "content-type": "text/plain;charset=UTF-8" },
  });
}

/**
 * True when a request's Content-Length (as received, or null/undefined when
 * absent) declares more than `max` bytes. A present Content-Length is the
 * exact body size (the runtime's parser enforces the framing), so such a body
 * needs no counting.
 */
export function declaredTooLarge(contentLength: string | null | undefined, max: number): boolean {
  return contentLength != null && Number(contentLength) > max;
}

/**
 * Deno and Bun: run `handle` for a request with a body under the limit. A
 * declared Content-Length over it gets `refuse()`; a body of unknown
 * length is counted as it is read, and once it went over, the client gets
 * `refuse()` whatever the handler answered.
 */
export function limitBody(
  request: Request,
  contentLength: string | null,
  max: number,
  handle: (request: Request) => Response | Promise<Response>,
  refuse: () => Response = tooLarge,
): Response | Promise<Response> {
  if (declaredTooLarge(contentLength, max)) return refuse();
  if (contentLength !== null || request.body === null) return handle(request);
  const limit = new BodyLimit(max);
  const settle = (response: Response) => limit.over ? refuse() : response;
  const response = handle(limit.request(request));
  return response instanceof Promise ? response.then(settle) : settle(response);
}

/** Counts one request body's bytes against `maxRequestBodySize`. */
export class BodyLimit {
  readonly max: number;
  /** Set once more than `max` bytes were read. */
  over = false;
  #size = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Count `bytes` more; past the limit, the error the read must fail with. */
  count(bytes: number): OmniserveError | undefined {
    this.#size += bytes;
    if (this.#size <= this.max) return undefined;
    this.over = true;
    return new OmniserveError("ERR_BODY_TOO_LARGE", `request body exceeds maxRequestBodySize (${this.max} bytes)`);
  }

  /** `source`, failing with ERR_BODY_TOO_LARGE once more than `max` bytes passed. */
  stream(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    return source.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          const error = this.count(chunk.byteLength);
          if (error) controller.error(error);
          else controller.enqueue(chunk);
        },
      }),
      // Past the limit the source is left as it is: the runtime drains it after the 413.
      { preventCancel: true },
    );
  }

  /** A copy of `request` whose body is `stream(request.body)`. */
  request(request: Request): Request {
    return new Request(request, { body: this.stream(request.body!), duplex: "half" } as RequestInit);
  }

  /** The response to send: 413 once the body went over, else `response`. */
  settle(response: Response): Response {
    return this.over ? tooLarge() : response;
  }
}
