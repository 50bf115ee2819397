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
import type { ServeOptions, Server } from "./types.ts";

export type * from "./types.ts";
export { OmniserveError, type ErrorCode } from "./_errors.ts";

/** Start serving `options.fetch` on the runtime this code runs on. */
export declare function serve(options: ServeOptions): Server;

/**
 * Install omniserve's Response as the global now (Node, Bun; nothing on Deno), or with `false` put the
 * native one back: what `serve()` does when a server starts unless `overrideGlobalObjects` is false.
 */
export declare function useGlobalResponse(on?: boolean): void;
