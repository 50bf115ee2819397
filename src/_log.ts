/**
 * Log lines on stderr: text by default (`omniserve: <message>`; tests and the
 * CLI read these lines, so keep the prefix stable), or one JSON object per
 * line for log shippers (`omniserve serve --log-format json`).
 * @module
 */
import { OmniserveError } from "./_errors.ts";
import { plainIp } from "./_ip.ts";

/** How log lines are written. */
export type LogFormat = "text" | "json";
type Level = "info" | "warn" | "error" | "fatal";

let format: LogFormat = "text";

/** Set by the CLI's `--log-format`; a library user's process keeps text. */
export function setLogFormat(value: LogFormat): void {
  format = value;
}

/** The format in use. */
export function logFormat(): LogFormat {
  return format;
}

/**
 * Write one entry. Text: `omniserve: <message>`, then the `detail` lines (a
 * stack, a code frame). JSON: one object with `time`, `level`, `msg` and `fields`.
 */
export function writeLog(level: Level, message: string, fields?: Record<string, unknown>, detail?: string[]): void {
  if (format === "json") {
    console.error(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }));
  } else {
    console.error(detail?.length ? `omniserve: ${message}\n${detail.join("\n")}` : `omniserve: ${message}`);
  }
}

/** Log one line: `omniserve: <message>`. */
export function logLine(message: string, level: Level = "warn"): void {
  writeLog(level, message);
}

/** The one line for a request refused before the app saw it: `rejected a request from <ip>: <answer> (<why>)`. */
export function logRejected(address: string | undefined, answer: string, why: string): void {
  logLine(`rejected a request from ${plainIp(address)}: ${answer} (${why})`);
}

/**
 * Log an error from a request: one line (method, path, code or name, message),
 * then the stack frames of the app that threw, so the line leads to the code.
 * Errors omniserve raised itself have no app frames and stay one line.
 */
export function logRequestError(error: unknown, request?: Request): void {
  const err = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  // A string code (Node's, omniserve's) names the error best; DOMException's numeric legacy code does not.
  const code = typeof err?.code === "string" ? err.code : undefined;
  // A plain object (`throw { status: 400 }`) is shown by its contents, not as a bare "Error".
  const plain = err !== null && typeof err === "object" && err.message === undefined && !(err instanceof Error);
  const what = plain
    ? `thrown ${thrownValue(err)}`
    : err && typeof err === "object"
    ? `${code ?? String(err.name ?? "Error")} ${String(err.message ?? "")}`
    : String(error);
  const path = request ? pathOf(request.url) : undefined;
  const frames = appFrames(error);
  const fields = {
    ...(request ? { method: request.method, path } : {}),
    error: plain
      ? { message: what }
      : err && typeof err === "object"
      ? { name: String(err.name ?? "Error"), ...(code === undefined ? {} : { code }), message: String(err.message ?? ""), stack: frames }
      : { message: String(error) },
  };
  const where = request ? `${request.method} ${path}: ` : "";
  writeLog("error", `${where}${what.replace(/\s+/g, " ").trim()}`, fields, frames.map((f) => `    at ${f}`));
}

/** A thrown value that is no Error, as JSON (cut at 200 characters), or as `String()` when it has none. */
function thrownValue(value: object): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // a cycle or a BigInt
  }
  text ??= String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** One line per request (`omniserve serve --log`): `GET /path 200 1.2ms`. */
export function logRequest(request: Request, status: number, startedAt: number): void {
  const ms = Math.round((performance.now() - startedAt) * 10) / 10;
  const path = pathOf(request.url);
  writeLog("info", `${request.method} ${path} ${status} ${ms.toFixed(1)}ms`, { method: request.method, path, status, ms });
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "/" : url.slice(start);
}

/** How many of the app's frames follow an error line. */
const MAX_FRAMES = 5;
/** omniserve's own folders: their frames say nothing about the app. */
const OWN = ["src", "adapters", "cli", "transports"].map((dir) => decodeURIComponent(new URL(`../${dir}/`, import.meta.url).pathname));
/** `at name (location:line:column)` or `at location:line:column`, as V8 (Node, Deno) and JSC (Bun) write them. */
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * The stack frames in the app's files (and its dependencies'), as
 * `name (/path:line:column)`: runtime internals (`node:`, `ext:`, `native`)
 * and omniserve's own frames are left out, `file://` URLs become paths.
 */
export function appFrames(error: unknown): string[] {
  if (error instanceof OmniserveError) return [];
  const stack = (error as { stack?: unknown } | undefined)?.stack;
  if (typeof stack !== "string") return [];
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[2].startsWith("file://") ? decodeURIComponent(m[2].slice(7)) : m[2];
    if (!/^(\/|[A-Za-z]:[\\/])/.test(file) || OWN.some((dir) => file.startsWith(dir))) continue;
    const at = `${file}:${m[3]}:${m[4]}`;
    frames.push(m[1] ? `${m[1]} (${at})` : at);
    if (frames.length === MAX_FRAMES) break;
  }
  return frames;
}

/**
 * One line for a response stream that failed after the headers were sent (the
 * adapter aborts the connection): Node's sender and Bun's Response (which
 * wraps stream bodies, see _logged-stream.ts) write it. Deno prints such
 * failures itself, with a stack (named exception `denoStreamErrorOwnLine`).
 */
export function logStreamError(error: unknown): void {
  const message = (error as Error)?.message ?? String(error);
  writeLog("error", `ERR_RESPONSE_STREAM response stream failed after the headers were sent: ${message}`.replace(/\s+/g, " "));
}
