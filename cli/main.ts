/**
 * The `omniserve` command line: `serve` and `test`, `--help` and `--version`.
 * The options are declared in `_args.ts`, which renders `--help` from them.
 * @module
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import process from "node:process";
import { OmniserveError } from "../src/_errors.ts";
import { type LogFormat, setLogFormat } from "../src/_log.ts";
import { badArgument, COMMANDS, commandHelp, mainHelp, nearest, parseCommand, SERVE, TEST } from "./_args.ts";
import { readEnvFiles } from "./_env-file.ts";
import { fatal } from "./_fatal.ts";
import { runMatrix } from "./_matrix.ts";
import { startedByNpm, watchParent } from "./_parent.ts";
import { MODULE_FILE, type ServeFlags, serveModule } from "./_serve.ts";
import { serveWatching } from "./_watch.ts";
import { serveWorkers } from "./_workers.ts";
import { currentRuntime, denoFlagsAllowEnv, parseRuntime, RUNTIMES } from "./runtime.ts";
import { startServer } from "./spawn.ts";

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw badArgument(`--port must be a number from 0 to 65535, got "${value}"`);
  return port;
}

/**
 * The most `--workers` accepted: a typo (`--workers 3000`) must not start thousands of runtimes on a
 * machine, and past a few per CPU more processes only contend for it.
 */
const MAX_WORKERS = 256;

/** `--workers N|auto`: a whole number from 1 to {@link MAX_WORKERS}, or the CPUs this process may use. */
function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === "auto") return availableParallelism();
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw badArgument(`--workers must be a whole number from 1 to ${MAX_WORKERS}, or auto; got "${value}"`);
  }
  return count;
}

function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw badArgument(`--log-format must be text or json, got "${value}"`);
}

/** `--http2` and `--no-http2`: true, false, or undefined (the module decides). */
function parseHttp2(on: boolean, off: boolean): boolean | undefined {
  if (on && off) throw badArgument("--http2 and --no-http2 contradict each other: give one");
  return on ? true : off ? false : undefined;
}

/** The arguments before `--`, and the ones after it (if any). */
function splitAtDash(args: string[]): [string[], string[] | undefined] {
  const dash = args.indexOf("--");
  return dash < 0 ? [args, undefined] : [args.slice(0, dash), args.slice(dash + 1)];
}

async function serveCommand(args: string[]): Promise<void> {
  const [own, runtimeFlags = []] = splitAtDash(args);
  const { values, positionals } = parseCommand(SERVE, own);
  if (values.help) return void process.stdout.write(commandHelp(SERVE));
  if (positionals.length !== 1) {
    throw badArgument(positionals.length ? `serve takes one app module, got ${positionals.join(" ")}` : "serve needs an app module", SERVE);
  }
  const modulePath = positionals[0];
  const logFormat = parseLogFormat(values["log-format"] as string | undefined);
  setLogFormat(logFormat);
  const runtime = parseRuntime((values.runtime as string | undefined) ?? currentRuntime());
  const flags: ServeFlags = {
    port: parsePort(values.port as string | undefined),
    hostname: values.hostname as string | undefined,
    certFile: values.cert as string | undefined,
    keyFile: values.key as string | undefined,
    passphraseFile: values["passphrase-file"] as string | undefined,
    http2: parseHttp2(values.http2 === true, values["no-http2"] === true),
    log: values.log === true || undefined,
    logFormat: values["log-format"] === undefined ? undefined : logFormat,
  };
  const workers = parseWorkers(values.workers as string | undefined);
  const envFiles = values["env-file"] as string[] | undefined;
  // --pubsub is the same as OMNISERVE_PUBSUB, which every server process (and worker) inherits.
  if (values.pubsub !== undefined) process.env.OMNISERVE_PUBSUB = values.pubsub as string;
  if (values.watch) {
    if (workers > 1) throw badArgument("--watch restarts one server process; use --watch or --workers, not both");
    return serveWatching({ modulePath, runtime, flags, runtimeFlags, envFiles });
  }
  // Read once, before any server process starts; every one inherits them.
  if (envFiles) Object.assign(process.env, readEnvFiles(envFiles));
  if (workers > 1) {
    if (runtime === "deno" && !denoFlagsAllowEnv(runtimeFlags)) {
      throw badArgument("--workers on Deno needs --allow-env among the runtime flags: each worker reads OMNISERVE_WORKER and OMNISERVE_REUSE_PORT");
    }
    return serveWorkers({ modulePath, runtime, count: workers, flags, runtimeFlags });
  }
  if (runtime === currentRuntime() && runtimeFlags.length === 0) {
    await serveModule(modulePath, flags);
    return;
  }
  // Listen for signals before the server is up: its ready line can reach whoever waits for it (and sends
  // SIGTERM) before this process has seen it.
  let stopping: NodeJS.Signals | undefined;
  const started: { child?: ChildProcess; stop?: () => unknown } = {};
  const forward = (signal: NodeJS.Signals) => {
    stopping = signal;
    // Before the ready line the server process has no handler yet: the signal ends it at once, as it
    // ends this process when the server runs in here (omniserve on Node serving on Node).
    if (started.stop) started.stop();
    else started.child?.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const onSpawn = (child: ChildProcess) => started.child = child;
  const server = await startServer(modulePath, runtime, { ...flags, runtimeFlags, inherit: true, directStderr: true, onSpawn }).catch(
    (error) => {
      if (stopping) {
        // Stopped while starting: end by the same signal, with no error line.
        process.off("SIGINT", forward).off("SIGTERM", forward);
        process.kill(process.pid, stopping);
        return new Promise<never>(() => {});
      }
      // The child already printed its error to our stderr.
      const code = (error as { childExitCode?: number | null }).childExitCode;
      if (code !== undefined) process.exit(code || 1);
      throw error;
    },
  );
  started.stop = () => server.stop();
  // A server process ended by a signal we did not ask for (SIGKILL, the OOM killer) is a crash, never a clean exit.
  server.child.once("exit", (code, signal) => {
    if (signal && !(stopping && (signal === "SIGINT" || signal === "SIGTERM"))) {
      fatal(new OmniserveError("ERR_SERVER_KILLED", `the ${runtime} server process was killed by ${signal}`));
    }
    process.exit(code ?? 0);
  });
}

async function testCommand(args: string[]): Promise<void> {
  const [own, command] = splitAtDash(args);
  const { values, positionals } = parseCommand(TEST, own);
  if (values.help) return void process.stdout.write(commandHelp(TEST));
  if (!command?.length) throw badArgument("test needs a command after --", TEST);
  if (positionals.length !== 1) {
    throw badArgument(positionals.length ? `test takes one app module, got ${positionals.join(" ")}` : "test needs an app module", TEST);
  }
  const runtimes = ((values.runtimes as string | undefined) ?? RUNTIMES.join(",")).split(",").map((r) => parseRuntime(r.trim()));
  process.exitCode = await runMatrix({ module: positionals[0], runtimes, command, json: values.json as string | undefined });
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  // npm does not pass SIGTERM on (see _parent.ts): its exit stops the server the same way.
  if (startedByNpm()) watchParent(() => process.kill(process.pid, "SIGTERM"));
  const [command, ...rest] = argv;
  if (command === "serve") return serveCommand(rest);
  if (command === "test") return testCommand(rest);
  if (command === "--version" || command === "-v") return void process.stdout.write(`${version()}\n`);
  if (command === "--help" || command === "-h" || command === undefined) return void process.stdout.write(mainHelp());
  if (command === "help") {
    const [topic] = rest;
    if (topic === undefined || topic === "--help" || topic === "-h") return void process.stdout.write(mainHelp());
    const spec = COMMANDS.find((c) => c.name === topic);
    if (!spec) throw unknownCommand(topic, "help topic");
    return void process.stdout.write(commandHelp(spec));
  }
  // `omniserve app.ts`, the command left out.
  if (MODULE_FILE.test(command)) throw badArgument(`unknown command "${command}"; to serve it: omniserve serve ${command}`, "main");
  throw unknownCommand(command, "command");
}

/** `omniserve bogus` and `omniserve help bogus`: the word, the likeliest command or else all of them, and the usage. */
function unknownCommand(typed: string, what: string): OmniserveError {
  const names = COMMANDS.map((c) => c.name);
  const near = nearest(typed.replace(/^-+/, ""), names);
  const hint = near ? `did you mean ${near}?` : `the ${what}s are ${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return badArgument(`unknown ${what} "${typed}"; ${hint}`, "main");
}

main(process.argv.slice(2)).catch(fatal);
