/**
 * The HTTP conformance suite: every case is written once and runs on node,
 * deno and bun against the fixture app, over a real socket. A runtime that
 * cannot match a case is listed in test/support/exceptions.ts with the reason, and
 * the case asserts the documented behaviour there instead.
 */
import { describe } from "vitest";
import type { SpawnedServer } from "../../dist/cli/spawn.js";
import type { Runtime } from "../../src/types.ts";
import { applies, type ExceptionName } from "../support/exceptions.ts";
import { servedBy, startLocal } from "../support/served.ts";
import { bodies } from "./bodies.ts";
import { compression } from "./compress.ts";
import { earlyResponses } from "./early.ts";
import { errors } from "./errors.ts";
import { logging } from "./logging.ts";
import { requests } from "./requests.ts";
import { responses } from "./responses.ts";
import { server } from "./server.ts";
import { signal } from "./signal.ts";
import { slowClients } from "./slow.ts";
import { wire } from "./wire.ts";
import { staticFiles } from "./static.ts";
import { staticSafety } from "./static-safety.ts";

/** What every group of cases gets: the running fixture and the runtime's exceptions. */
export interface Suite {
  runtime: Runtime;
  /** `http://host:port` of the fixture server. */
  url(): string;
  server(): SpawnedServer;
  /** Serve `module` the way this suite serves (one process, or `--workers N`) on a free port, with `env` added. */
  start(module: string, env?: Record<string, string>): Promise<SpawnedServer>;
  exception(name: ExceptionName<"http">): boolean;
  sleep(ms: number): Promise<void>;
}


/** Register every HTTP conformance case for `runtime`; with `workers`, served by `omniserve serve --workers N`. */
export function conformance(runtime: Runtime, workers = 1): void {
  describe(`conformance on ${runtime}${workers > 1 ? ` with ${workers} workers` : ""}`, () => {
    const start = (module: string, env?: Record<string, string>) => startLocal(module, runtime, { workers, env });
    const spawned = servedBy(() => start("test/fixture/http-app.ts"));
    const suite: Suite = {
      runtime,
      url: () => spawned().url,
      server: spawned,
      start,
      exception: (name) => applies(name, runtime),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    responses(suite);
    requests(suite);
    bodies(suite);
    errors(suite);
    earlyResponses(suite);
    logging(suite);
    slowClients(suite);
    signal(suite);
    server(suite);
    wire(suite);
    staticFiles(suite);
    staticSafety(suite);
    compression(suite);
  });
}
