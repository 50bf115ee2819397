/**
 * A peer's upgrade request where the runtime does not keep one (Node builds
 * it from the raw head, Deno closes its own on upgrade): built on first read,
 * with a signal that aborts when the connection closes, as Bun's own
 * request's signal does.
 * @module
 */

/** The upgrade request of one peer, built lazily. */
export class UpgradeRequest {
  readonly #build: (signal: AbortSignal) => Request;
  #request: Request | undefined;
  #controller: AbortController | undefined;
  #closed = false;

  constructor(build: (signal: AbortSignal) => Request) {
    this.#build = build;
  }

  get(): Request {
    if (this.#request) return this.#request;
    const controller = this.#controller = new AbortController();
    if (this.#closed) controller.abort();
    return this.#request = this.#build(controller.signal);
  }

  /** The connection closed: abort the signal (now, or when the request is first built). */
  close(): void {
    this.#closed = true;
    this.#controller?.abort();
  }
}
