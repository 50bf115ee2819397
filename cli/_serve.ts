/**
 * Serve an app module in this process: load it (TypeScript included, on
 * Node 20 too), start the adapter for this runtime, print the one ready line,
 * and stop gracefully on SIGINT/SIGTERM.
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { register } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { hasCode, OmniserveError } from "../src/_errors.ts";
import { type LogFormat, logLine } from "../src/_log.ts";
import type { ServeOptions, Server } from "../src/types.ts";
import { nearest } from "./_args.ts";
import { fatal } from "./_fatal.ts";
import { resolveLocal } from "./_imports.ts";
import { loadError } from "./_load-error.ts";
import { withRequestLog } from "./_request-log.ts";
import { whyUnreadable } from "./_unreadable.ts";
import { currentRuntime } from "./runtime.ts";

/**
 * Milliseconds `omniserve serve` lets in-flight requests finish after SIGINT or
 * SIGTERM before it drops them. Only the CLI has this deadline: a library
 * user's `server.stop()` waits as long as the requests take.
 */
const STOP_DEADLINE_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Where to listen; undefined fields fall back to the module's own options. */
export interface ListenFlags {
  port?: number;
  hostname?: string;
  /** PEM files for HTTPS; both or neither. */
  certFile?: string;
  keyFile?: string;
  /**
   * A file whose first line is the passphrase of an encrypted `keyFile`. The file name, not the secret,
   * travels in the arguments of server processes, where `ps` shows them.
   */
  passphraseFile?: string;
  /** `--http2` (true) or `--no-http2` (false); undefined keeps the module's `http2` (default true). */
  http2?: boolean;
}

/** What a server process is told beyond the module: where to listen and how to log. */
export interface ServeFlags extends ListenFlags {
  /** One line per request (`--log`). */
  log?: boolean;
  /** `--log-format`: stderr lines as text (the default) or JSON. */
  logFormat?: LogFormat;
}

/** A server started by {@link serveModule}, and its graceful stop (which exits the process). */
export interface ServedModule {
  server: Server;
  stop(): Promise<void>;
}

/** A variable, or undefined where Deno runs without `--allow-env` (the user's own permission flags). */
function envVar(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new OmniserveError("ERR_TLS", `cannot read the TLS ${what} file ${file}: ${whyUnreadable(error)}`);
  }
}

/** `--cert`, `--key` and `--passphrase-file` as the `tls` option; the passphrase is the file's first line. */
function tlsFromFiles({ certFile, keyFile, passphraseFile }: ListenFlags): NonNullable<ServeOptions["tls"]> {
  if (!certFile || !keyFile) {
    const also = passphraseFile !== undefined ? " (--passphrase-file is the passphrase of --key)" : "";
    throw new OmniserveError("ERR_BAD_ARGUMENT", `--cert and --key go together: give both PEM files${also}`);
  }
  const tls = { cert: readPem(certFile, "certificate"), key: readPem(keyFile, "key") };
  return passphraseFile === undefined ? tls : { ...tls, passphrase: readPem(passphraseFile, "passphrase").split(/\r?\n/)[0] };
}

/** The file names an app module may have: the extensions all three runtimes load as JavaScript or TypeScript. */
export const MODULE_FILE: RegExp = /\.[cm]?[jt]sx?$/;

/** The app module file next to a missing `file` whose name is likeliest meant (a typo, a left-out extension). */
function nearbyModule(file: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(file)).filter((name) => MODULE_FILE.test(name));
  } catch {
    return undefined;
  }
  return nearest(basename(file), names);
}

/** Import `modulePath` and return its default export, checked. */
export async function loadApp(modulePath: string): Promise<ServeOptions> {
  const file = resolve(modulePath);
  if (!existsSync(file)) {
    const near = nearbyModule(file);
    const hint = near ? `; did you mean ${join(dirname(modulePath), near)}?` : "";
    throw new OmniserveError("ERR_MODULE_NOT_FOUND", `cannot find app module ${modulePath}${hint}`);
  }
  if (statSync(file).isDirectory()) {
    // Bun would import the folder's index, Node and Deno refuse: every runtime refuses, naming the file to give.
    const index = resolveLocal(join(file, "x"), "./index");
    const hint = index ? `: give the file, ${join(modulePath, basename(index))}` : ": give the app module's file";
    throw new OmniserveError("ERR_MODULE_NOT_FOUND", `app module ${modulePath} is a folder${hint}`);
  }
  if (!MODULE_FILE.test(file)) {
    // Deno would read any text as JavaScript, Bun take it as an empty module, Node refuse: every runtime refuses.
    throw new OmniserveError("ERR_MODULE_LOAD", `app module ${modulePath} is not a JavaScript or TypeScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs, .jsx)`);
  }
  if (currentRuntime() === "node" && /\.([cm]?tsx?|jsx)$/.test(file)) {
    // Both hooks: a .cts file, and a package's compiled CommonJS, are CommonJS to Node.
    (await import("tsx/esm/api")).register();
    (await import("tsx/cjs/api")).register();
    // Then a .ts file is a module even outside a "type": "module" package, as on Deno and Bun.
    register(new URL("./_ts-module-hook.js", import.meta.url));
  }
  // A top-level await that never settles leaves nothing to run: Node would exit 0 and Bun 1, both without a
  // word. (Deno ends the process with its own error first: the named exception `unsettledTopLevelAwait`.)
  const unsettled = () => {
    fatal(new OmniserveError("ERR_MODULE_LOAD", `${modulePath} never finished loading: a top-level await in it never settled`));
  };
  process.once("beforeExit", unsettled);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw loadError(error, file);
  } finally {
    process.off("beforeExit", unsettled);
  }
  let app = mod.default;
  // `export default` compiled to CommonJS arrives as { __esModule, default }.
  if (app && typeof app.fetch !== "function" && app.__esModule && app.default) app = app.default;
  if (!app || typeof app.fetch !== "function") {
    // A bare handler is the likeliest slip: `deno serve` and Bun refuse it too, so say how to wrap it. The next:
    // `export function fetch` (or `export const fetch`) without a default export.
    const wrap = typeof app === "function"
      ? "; it exports a function: export default { fetch: yourFunction }"
      : app === undefined && typeof mod.fetch === "function"
      ? "; it has no default export but exports fetch by name: add export default { fetch }"
      : typeof app?.then === "function"
      ? "; it exports a Promise: export default await yourPromise"
      : "";
    throw new OmniserveError(
      "ERR_NO_FETCH",
      `${modulePath} must export default an object with a fetch(request) method (or a Hono app)${wrap}`,
    );
  }
  return app as ServeOptions;
}

/** The two functions of the runtime's adapter the CLI uses. */
interface Adapter {
  serve(options: ServeOptions): Server;
  useGlobalResponse(on?: boolean): void;
}

async function adapter(): Promise<Adapter> {
  switch (currentRuntime()) {
    case "deno":
      return await import("../adapters/deno/index.ts");
    case "bun":
      return await import("../adapters/bun/index.ts");
    default:
      return await import("../adapters/node/index.ts");
  }
}

/** `serve(options)`, ready; a TLS error names the files it came from. */
async function started(serve: Adapter["serve"], options: ServeOptions, flags: ServeFlags): Promise<Server> {
  try {
    return await serve(options).ready();
  } catch (error) {
    if (hasCode(error, "ERR_TLS") && flags.certFile) {
      const message = (error as Error).message;
      // The option's name means nothing on the command line: name the flag.
      const passphrase = flags.passphraseFile !== undefined
        ? ` --passphrase-file ${flags.passphraseFile}`
        : message.includes("tls.passphrase") ? "; give the passphrase with --passphrase-file FILE" : "";
      (error as Error).message = `${message} (from --cert ${flags.certFile} --key ${flags.keyFile}${passphrase})`;
    }
    throw error;
  }
}

/** Serve `modulePath` until SIGINT/SIGTERM; resolves with the running server and its stop. */
export async function serveModule(modulePath: string, flags: ServeFlags): Promise<ServedModule> {
  const { serve, useGlobalResponse } = await adapter();
  // Serving starts here: the app module and what it imports see the Response the server will use (a
  // server with `overrideGlobalObjects: false` puts the native one back when it starts).
  useGlobalResponse();
  const app = await loadApp(modulePath);
  // The app stays the prototype so getters and methods (a Hono app's fetch) keep working.
  const logged = flags.log ? withRequestLog(app) : undefined;
  const options: ServeOptions = logged?.options ?? Object.create(app);
  if (flags.port !== undefined) options.port = flags.port;
  if (flags.hostname !== undefined) options.hostname = flags.hostname;
  // Set by the supervisor of `--workers N` for each worker (see _workers.ts).
  if (envVar("OMNISERVE_REUSE_PORT") === "1") options.reusePort = true;
  if (flags.certFile !== undefined || flags.keyFile !== undefined || flags.passphraseFile !== undefined) {
    options.tls = tlsFromFiles(flags);
  }
  if (flags.http2 !== undefined) options.http2 = flags.http2;
  const server = await started(serve, options, flags);
  // reload() swaps the app's handlers inside the request log, which stays; certificates go to the server.
  if (logged) {
    const reloadServer = server.reload.bind(server);
    server.reload = (handlers) => {
      if (handlers.tls !== undefined) reloadServer({ tls: handlers.tls });
      logged.reload(handlers);
    };
  }
  const url = server.url.replace(/\/$/, "");
  process.stdout.write(`omniserve: listening on ${url} (${server.runtime})\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const late = await Promise.race([
      server.stop(false).then(() => false),
      sleep(STOP_DEADLINE_MS).then(() => true),
    ]);
    if (late) {
      logLine(`in-flight requests did not finish within ${STOP_DEADLINE_MS / 1000} s; closing them`);
      await Promise.race([server.stop(true), sleep(1000)]);
    }
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return { server, stop };
}
