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

/** A copy of `request` whose body errors with ERR_BODY_TOO_LARGE past `limit`. */
export function limitBody(request: Request, limit: number, state: LimitState): Request {
  let size = 0;
  const body = request.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size <= limit) return controller.enqueue(chunk);
        state.over = true;
        controller.error(
          new OmniserveError("ERR_BODY_TOO_LARGE", `request body exceeds maxRequestBodySize (${limit} bytes)`),
        );
      },
    }),
  );
  return new Request(request, { body, duplex: "half" } as RequestInit);
}
