/**
 * `import { serve } from "omniserve"` resolves to the adapter of the runtime
 * it runs on (package.json export conditions `bun`, `deno`, default node).
 * This file declares that shared signature once for type-checkers.
 *
 * @example
 * ```ts
 * import { serve } from "omniserve";
 * const server = serve({ port: 0, fetch: () => new Response("hi") });
 * await server.ready();
 * console.log(`${server.runtime} ${server.url}`);
 * await server.stop();
 * ```
 * @module
 */
import type { CompressOptions, MaybePromise, ServeOptions, Server, StaticHandler, StaticOptions } from "./types.ts";

export type * from "./types.ts";
export { OmniserveError, type ErrorCode } from "./_errors.ts";

/** Start serving `options.fetch` on the runtime this code runs on. */
export declare function serve(options: ServeOptions): Server;

/**
 * Install omniserve's Response as the global now, or with `false` put the
 * native one back: what `serve()` does when a server starts unless `overrideGlobalObjects` is false.
 */
export declare function useGlobalResponse(on?: boolean): void;

/**
 * Wrap a fetch handler so its responses are compressed with the best coding
 * the client accepts (br, zstd, gzip), with the runtime's native compressor.
 * Streams are compressed as they go, one flush per chunk.
 *
 * @example
 * ```ts
 * import { compress, type ServeOptions } from "omniserve";
 * export default {
 *   fetch: compress((req) => Response.json({ path: new URL(req.url).pathname, padding: "x".repeat(2048) })),
 * } satisfies ServeOptions;
 * ```
 */
export declare function compress<A extends unknown[]>(
  fetch: (request: Request, ...rest: A) => MaybePromise<Response>,
  options?: CompressOptions,
): (request: Request, ...rest: A) => MaybePromise<Response>;

/**
 * A fetch handler that serves the files under `options.root` (GET and HEAD,
 * ranges, validators, precompressed siblings), never anything outside it.
 *
 * @example
 * ```ts
 * import { serveStatic, type ServeOptions } from "omniserve";
 * const files = serveStatic({ root: "public", fallthrough: () => new Response("no such page", { status: 404 }) });
 * export default { fetch: files } satisfies ServeOptions;
 * ```
 */
export declare function serveStatic(options: StaticOptions): StaticHandler;
