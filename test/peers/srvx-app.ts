/**
 * srvx's shared fixture app (its test/_fixture.ts) served by omniserve. The srvx-only options the fixture
 * uses are emulated here, outside omniserve: `plugins` run first, each given the server's options, then the
 * `middleware` wrap fetch in order (as srvx composes them), and `request.ip` is set from `ctx.ip`.
 * @module
 */
import type { ServeOptions } from "../../src/types.ts";
import { peerModule } from "./_peers.ts";

type Answer = Response | Promise<Response>;
type Middleware = (request: Request, next: () => Answer) => Answer;

/** The part of srvx's server options the fixture sets. */
interface SrvxOptions {
  fetch(request: Request): Answer;
  error?(error: unknown): Answer;
  middleware?: Middleware[];
  plugins?: ((server: { options: SrvxOptions }) => void)[];
}

/** omniserve's options for an app written against srvx's. */
export function fromSrvx(options: SrvxOptions): ServeOptions {
  const server = { options: { ...options, middleware: [...(options.middleware ?? [])] } };
  for (const plugin of options.plugins ?? []) plugin(server);
  const { middleware, fetch, error } = server.options;
  const run = (request: Request, at: number): Answer =>
    at === middleware.length ? fetch(request) : middleware[at](request, () => run(request, at + 1));
  return {
    fetch(request, ctx) {
      Object.defineProperty(request, "ip", { value: ctx.ip, configurable: true });
      return run(request, 0);
    },
    error: error && ((cause) => error(cause)),
  };
}

const { fixture } = await import(peerModule("srvx", "test", "_fixture.ts"));
export default fromSrvx(fixture({}));
