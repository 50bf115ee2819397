/**
 * A stalled request body on Deno, answered instead of kept forever. Deno.serve
 * has no body timeout (`denoSlowClientsKept`), and its parser (hyper) stops
 * without a word on a chunked body whose trailer section passes about 64 KiB:
 * the handler's read then never ends, nor does the connection (measured on
 * 2.9.6, with a bare `Deno.serve` as well). A body of unknown length is read
 * through {@link StallBound}: a read that gets nothing for `idleTimeout`
 * seconds fails with ERR_BODY_STALLED, one line is logged, and the client gets
 * 408 (with `connection: close`) whatever the handler answered. After a
 * stalled trailer section Deno then closes the connection; a body stalled
 * mid-chunk keeps it (`denoSlowClientsKept`, measured). Meanwhile Deno holds
 * the trailer bytes it reads: the bound is one of time, not size
 * (`denoTrailers64KiB`).
 * @module
 */
import { OmniserveError } from "../../src/_errors.ts";
import { requestTimeout } from "../../src/_handler.ts";
import { logRequestError } from "../../src/_log.ts";

/** Fails a body's reads that wait longer than `ms` for a chunk. */
export class StallBound {
  /** Set once a read waited past the bound. */
  stalled = false;
  readonly #ms: number;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** A copy of `request` whose body reads are bounded. */
  request(request: Request): Request {
    const reader = request.body!.getReader();
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(reader, controller, request),
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 }); // read only when the handler reads: one that waits is not the client's stall
    return new Request(request, { body, duplex: "half" } as RequestInit);
  }

  /** The response to send: 408 once the body stalled, else `response`. */
  settle(response: Response): Response {
    return this.stalled ? requestTimeout() : response;
  }

  async #pull(reader: ReadableStreamDefaultReader<Uint8Array>, controller: ReadableStreamDefaultController<Uint8Array>, request: Request): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stall = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#ms)));
    try {
      const read = await Promise.race([reader.read(), stall]);
      if (read === undefined) {
        this.stalled = true;
        const error = new OmniserveError("ERR_BODY_STALLED", `408 Request Timeout: the request body brought nothing for ${this.#ms / 1000} s`);
        logRequestError(error, request);
        reader.cancel(error).catch(() => {});
        controller.error(error);
      } else if (read.done) controller.close();
      else controller.enqueue(read.value);
    } finally {
      clearTimeout(timer);
    }
  }
}

