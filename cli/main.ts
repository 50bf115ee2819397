/**
 * The `omniserve` command line.
 *
 *   omniserve serve <module> [--runtime node|deno|bun] [--port N] [--hostname H] [--cert FILE --key FILE]
 *                   [--workers N|auto] [--pubsub redis://host:port]
 *   omniserve test <module> [--runtimes node,deno,bun] [--json FILE] -- <command...>
 *
 * Arguments are parsed with Node's built-in `util.parseArgs`, which every
 * runtime provides, so the CLI has no parsing dependency.
 * @module
 */
import { availableParallelism } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { OmniserveError } from "../src/_errors.ts";
import { fatal } from "./_fatal.ts";
import { currentRuntime, parseRuntime, RUNTIMES } from "./runtime.ts";
import { serveModule } from "./_serve.ts";
import { startServer } from "./spawn.ts";
import { runMatrix } from "./_matrix.ts";
import { serveWorkers } from "./_workers.ts";

const USAGE = `usage:
  omniserve serve <module> [--runtime node|deno|bun] [--port N] [--hostname H] [--cert FILE --key FILE]
                  [--workers N|auto] [--pubsub redis://host:port]
  omniserve test <module> [--runtimes node,deno,bun] [--json FILE] -- <command...>`;

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `--port must be a number from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** `--workers N|auto`: a whole number from 1, or the CPUs this process may use. */
function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === "auto") return availableParallelism();
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(count) || count < 1) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `--workers must be a whole number from 1, or auto; got "${value}"`);
  }
  return count;
}

async function serveCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      runtime: { type: "string" },
      port: { type: "string" },
      hostname: { type: "string" },
      cert: { type: "string" },
      key: { type: "string" },
      workers: { type: "string" },
      pubsub: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new OmniserveError("ERR_BAD_ARGUMENT", `serve takes one app module\n${USAGE}`);
  const runtime = parseRuntime(values.runtime ?? currentRuntime());
  const flags = { port: parsePort(values.port), hostname: values.hostname, certFile: values.cert, keyFile: values.key };
  const workers = parseWorkers(values.workers);
  // --pubsub is the same as OMNISERVE_PUBSUB, which every server process (and worker) inherits.
  if (values.pubsub !== undefined) process.env.OMNISERVE_PUBSUB = values.pubsub;
  if (workers > 1) return serveWorkers({ modulePath: positionals[0], runtime, count: workers, flags });
  if (runtime === currentRuntime()) {
    await serveModule(positionals[0], flags);
    return;
  }
  const server = await startServer(positionals[0], runtime, { ...flags, inherit: true }).catch((error) => {
    // The child already printed its one line to our stderr.
    const code = (error as { childExitCode?: number | null }).childExitCode;
    if (code !== undefined) process.exit(code || 1);
    throw error;
  });
  const forward = () => server.stop();
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  server.child.once("exit", (code) => process.exit(code ?? 0));
}

async function testCommand(args: string[]): Promise<void> {
  const dash = args.indexOf("--");
  if (dash < 0 || dash === args.length - 1) {
    throw new OmniserveError("ERR_BAD_ARGUMENT", `test needs a command after --\n${USAGE}`);
  }
  const { values, positionals } = parseArgs({
    args: args.slice(0, dash),
    allowPositionals: true,
    options: { runtimes: { type: "string" }, json: { type: "string" } },
  });
  if (positionals.length !== 1) throw new OmniserveError("ERR_BAD_ARGUMENT", `test takes one app module\n${USAGE}`);
  const runtimes = (values.runtimes ?? RUNTIMES.join(",")).split(",").map((r) => parseRuntime(r.trim()));
  process.exitCode = await runMatrix({
    module: positionals[0],
    runtimes,
    command: args.slice(dash + 1),
    json: values.json,
  });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "serve") return serveCommand(rest);
  if (command === "test") return testCommand(rest);
  if (command === "--help" || command === "-h" || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  throw new OmniserveError("ERR_BAD_ARGUMENT", `unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error) => {
  if ((error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    fatal(new OmniserveError("ERR_BAD_ARGUMENT", (error as Error).message));
  }
  fatal(error);
});
