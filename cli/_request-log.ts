/**
 * `omniserve serve --log`: one line per request, `GET /path 200 1.2ms`, the
 * same on every runtime because it is written here, around the app, not by
 * the runtime's server. Without `--log` nothing is wrapped, so a request pays
 * nothing for it.
 *
 * The app's `fetch` and `error` hook run through the core's own pipeline
 * (`invoke`: a non-Response, a throw, the error hook, the plain 500), so the
 * line shows the status the client gets. The time is until the Response is
 * there; a streamed body may take longer to send. Requests the server answers
 * before the app sees them (400, 413, 431, WebSocket upgrades) get no line.
 * @module
 */
import { Handlers, invoke } from "../src/_handler.ts";
import { logRequest } from "../src/_log.ts";
import type { ReloadOptions, ServeOptions } from "../src/types.ts";

/** `app`'s options with a logging `fetch`, and the `reload` that swaps the app's handlers inside it. */
export function withRequestLog(app: ServeOptions): { options: ServeOptions; reload(handlers: ReloadOptions): void } {
  const inner = new Handlers(app);
  // The app stays the prototype so its other options (and a Hono app's getters) keep working.
  const options: ServeOptions = Object.create(app);
  options.fetch = (request, ctx) => {
    const started = performance.now();
    const response = invoke(inner, request, ctx);
    if (typeof (response as { then?: unknown }).then !== "function") {
      logRequest(request, (response as Response).status, started);
      return response;
    }
    return (response as Promise<Response>).then((r) => {
      logRequest(request, r.status, started);
      return r;
    });
  };
  // invoke() never throws and always gives a Response: nothing is left for an outer error hook.
  options.error = undefined;
  return { options, reload: (handlers) => inner.reload(handlers) };
}
