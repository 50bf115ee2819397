/**
 * The options of each command, declared once: `--help` is rendered from
 * these declarations (and the README's CLI reference from `--help`), and
 * parsing goes through Node's built-in `util.parseArgs`, which every runtime
 * provides. A mistake gets one line that names the fix, then the usage.
 * @module
 */
import { parseArgs } from "node:util";
import { OmniserveError } from "../src/_errors.ts";

/** One option of a command. */
export interface OptionSpec {
  name: string;
  short?: string;
  /** The value's placeholder (`N`, `FILE`); none for a switch. */
  value?: string;
  multiple?: boolean;
  /** What it does, then its default in the same sentence. */
  help: string;
}

/** A command: its one-line usage, what it is for, its options and examples. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec[];
  /** Lines after the options, before the examples. */
  notes?: string[];
  examples: string[];
}

const HELP: OptionSpec = { name: "help", short: "h", help: "show this help" };

export const SERVE: CommandSpec = {
  name: "serve",
  usage: "omniserve serve <module> [options] [-- <runtime flags>]",
  summary: "Serve an app module (its default export: { fetch, websocket?, ... }) on Node.js, Deno or Bun.",
  options: [
    { name: "runtime", short: "r", value: "node|deno|bun", help: "runtime to serve on (default: the one running omniserve)" },
    { name: "port", short: "p", value: "N", help: "port, 0 picks a free one (default: the module's port, then $PORT, then 3000)" },
    { name: "hostname", value: "HOST", help: "address to listen on, 0.0.0.0 for all (default: the module's, then 127.0.0.1)" },
    { name: "cert", value: "FILE", help: "PEM certificate: serve HTTPS; give --key too (default: HTTP)" },
    { name: "key", value: "FILE", help: "PEM private key for --cert" },
    {
      name: "passphrase-file",
      value: "FILE",
      help: "file whose first line is the passphrase of an encrypted --key, so ps never shows it (default: none)",
    },
    { name: "http2", help: "speak HTTP/2 too: h2 by ALPN with --cert, h2c (prior knowledge) without (default: on, unless the module says http2: false)" },
    { name: "no-http2", help: "HTTP/1.1 only (default: off)" },
    { name: "workers", short: "w", value: "N|auto", help: "server processes on one port, 1 to 256; auto: one per CPU (default: 1)" },
    { name: "pubsub", value: "URL", help: "Redis URL for pub/sub across instances (default: $OMNISERVE_PUBSUB)" },
    { name: "watch", help: "restart gracefully when the module or a file it imports changes (default: off)" },
    { name: "env-file", value: "FILE", multiple: true, help: "read variables from FILE; repeatable, the environment wins (default: none; .env is not read)" },
    { name: "log", help: "one line per request on stderr: GET /path 200 1.2ms (default: off)" },
    { name: "log-format", value: "text|json", help: "stderr lines as text, or one JSON object per line (default: text)" },
    HELP,
  ],
  notes: [
    "Everything after -- goes to the runtime: node --inspect, deno --allow-net, bun --smol.",
    "On Deno, omniserve passes -A unless these include a permission flag (then yours alone apply).",
  ],
  examples: [
    "omniserve serve app.ts --runtime deno -p 3000",
    "omniserve serve app.ts --watch --env-file .env --log",
    "omniserve serve app.ts --runtime node --workers auto --log-format json",
    "omniserve serve app.ts --runtime deno -- --allow-net --allow-read --allow-env",
  ],
};

export const TEST: CommandSpec = {
  name: "test",
  usage: "omniserve test <module> [options] -- <command...>",
  summary:
    "Serve the module on each runtime in turn, run your command against it with OMNISERVE_URL and OMNISERVE_RUNTIME set, and print a matrix.",
  options: [
    { name: "runtimes", value: "LIST", help: "comma-separated runtimes to test (default: node,deno,bun)" },
    { name: "json", value: "FILE", help: "write the full result as JSON to FILE (default: none)" },
    HELP,
  ],
  notes: ["With vitest as the command, the matrix also lists the tests whose outcome differs between runtimes."],
  examples: [
    "omniserve test app.ts -- npx vitest run",
    "omniserve test app.ts --runtimes node,bun --json result.json -- node check.js",
  ],
};

export const COMMANDS: CommandSpec[] = [SERVE, TEST];

/** `omniserve --help`: the commands, and how to get more. */
export function mainHelp(): string {
  return [
    "usage: omniserve <command> [options]",
    "",
    "Write a web server once as fetch(Request) => Response; run it on Node.js, Deno and Bun.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.usage}`),
    "",
    "options:",
    "  -h, --help     show this help (omniserve <command> --help: that command's options)",
    "  -v, --version  print omniserve's version",
    "",
  ].join("\n");
}

/** `omniserve <command> --help`: usage, summary, every option with its default, notes, examples. */
export function commandHelp(command: CommandSpec): string {
  const left = command.options.map((o) =>
    `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` <${o.value}>` : ""}`
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return [
    `usage: ${command.usage}`,
    "",
    command.summary,
    "",
    "options:",
    ...command.options.map((o, i) => `  ${left[i].padEnd(width)}${o.help}`),
    ...(command.notes ? ["", ...command.notes] : []),
    "",
    "examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

/**
 * An ERR_BAD_ARGUMENT. With `command` (or "main" for the command itself),
 * _fatal.ts prints that usage after the error line.
 */
export function badArgument(message: string, command?: CommandSpec | "main"): OmniserveError {
  const usage = command === "main"
    ? "usage: omniserve <command> [options]\nrun omniserve --help for the commands"
    : command
    ? `usage: ${command.usage}\nrun omniserve ${command.name} --help for every option`
    : undefined;
  return Object.assign(new OmniserveError("ERR_BAD_ARGUMENT", message), { usage });
}

/** Edit distance with swapped neighbours counting as one edit (`--prot` is one from `--port`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i === 0 ? j : j === 0 ? i : 0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Of `names`, the one `typed` most likely meant (a prefix, or a typo or two away), if any. */
export function nearest(typed: string, names: string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = name.startsWith(typed) && typed.length >= 2 ? 1 : distance(typed, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** What parseArgs gives back: strings, switches and repeatable strings. */
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/**
 * `--port -1` as `--port=-1`: parseArgs takes a value that starts with `-` for an option ("ambiguous"), so
 * a negative number after an option that wants a value is joined to it, and gets that option's own check.
 */
function negativeValues(command: CommandSpec, args: string[]): string[] {
  const valued = (arg: string) =>
    command.options.find((o) => o.value && (arg === `--${o.name}` || (o.short !== undefined && arg === `-${o.short}`)));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const option = valued(args[i]);
    if (option && /^-\d/.test(args[i + 1] ?? "")) out.push(`--${option.name}=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

/** Parse `args` against `command`'s options; mistakes throw {@link badArgument}. */
export function parseCommand(command: CommandSpec, args: string[]): { values: ParsedValues; positionals: string[] } {
  const options = Object.fromEntries(command.options.map((o) => [o.name, {
    type: o.value ? "string" as const : "boolean" as const,
    ...(o.short ? { short: o.short } : {}),
    ...(o.multiple ? { multiple: true } : {}),
  }]));
  try {
    return parseArgs({ args: negativeValues(command, args), options, allowPositionals: true, strict: true }) as {
      values: ParsedValues;
      positionals: string[];
    };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
      const typed = unknown[1].replace(/^-+/, "");
      const near = typed.length > 1 ? nearest(typed, command.options.map((o) => o.name)) : undefined;
      throw badArgument(`unknown option ${unknown[1]} for ${command.name}${near ? `; did you mean --${near}?` : ""}`, command);
    }
    // "Ambiguous": the next word is an option (`--port --log`), so the value is missing.
    const missing = /Option '(?:-\w, )?(--?[\w-]+)[^']*' argument (missing|is ambiguous)/.exec(message);
    if (missing) {
      const name = command.options.find((o) => `-${o.short}` === missing[1])?.name;
      throw badArgument(`${name ? `--${name}` : missing[1]} needs a value`, command);
    }
    const needless = /Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
    if (needless) throw badArgument(`${needless[2]} is a switch and takes no value`, command);
    throw badArgument(message.split("\n")[0], command);
  }
}
