/**
 * `maxRequestBodySize` for bodies of unknown length (chunked): count bytes as
 * the handler reads them and fail the read past the limit, so the excess is
 * never buffered. Runtimes that enforce the limit natively do not use this.
 * @module
 */
import { OmniserveError } from "./_errors.ts";

/** Tracks whether a limited body went over. */
export interface LimitState {
  over: boolean;
}

/** The error a body read fails with past `limit`; the server answers 413. */
export function bodyTooLarge(limit: number): OmniserveError {
  return new OmniserveError("ERR_BODY_TOO_LARGE", `request body exceeds maxRequestBodySize (${limit} bytes)`);
}

/** `source`, failing with ERR_BODY_TOO_LARGE (and `state.over` set) once more than `limit` bytes passed. */
export function limitStream(
  source: ReadableStream<Uint8Array>,
  limit: number,
  state: LimitState,
): ReadableStream<Uint8Array> {
  let size = 0;
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size <= limit) return controller.enqueue(chunk);
        state.over = true;
        controller.error(bodyTooLarge(limit));
      },
    }),
  );
}

/** A copy of `request` whose body errors with ERR_BODY_TOO_LARGE past `limit`. */
export function limitBody(request: Request, limit: number, state: LimitState): Request {
  return new Request(request, { body: limitStream(request.body!, limit, state), duplex: "half" } as RequestInit);
}
