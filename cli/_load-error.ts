/**
 * Why an app module (or a file it imports) did not load, said the same way
 * on every runtime: `file:line:column: what`, then a code frame. Each runtime
 * reports the place in its own shape, and this file reads them all:
 *
 * - Node: TypeScript goes through tsx (esbuild): `Transform failed ...
 *   file:line:col: ERROR: text`, the column from 0 and in bytes. A JavaScript
 *   module's syntax error carries no place at all, so `node --check` finds it.
 *   A missing import names the importer but not the line, so the import is
 *   looked up in the importer's source.
 * - Deno: the message ends with `at file:///path:line:col`.
 * - Bun: `BuildMessage.position` for syntax, `ResolveMessage.specifier` and
 *   `referrer` for a missing import.
 * - An error thrown while the module runs: its first frame in the app.
 * @module
 */
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OmniserveError } from "../src/_errors.ts";
import { appFrames } from "../src/_log.ts";
import { codeFrame, displayPath, readSource, type SourcePosition, sourceLine } from "./_code-frame.ts";
import { findImport, importGraph } from "./_imports.ts";
import { currentRuntime } from "./runtime.ts";

/** A load failure: where (when known) and what, in one line. */
interface Cause {
  at?: SourcePosition;
  what: string;
}

type Loose = {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  position?: { file?: string; line?: number; column?: number } | null;
  specifier?: string;
  referrer?: string;
  requireStack?: string[];
};

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

const toPath = (file: string): string => file.startsWith("file://") ? fileURLToPath(file) : file;

function notFound(specifier: string, importer: string): Cause {
  const found = findImport(importer, specifier);
  return { at: found?.at, what: `cannot find module "${found?.specifier ?? specifier}"` };
}

/**
 * Bun's "Export named 'x' not found in module '/path'" names the module that
 * lacks the export, not the one importing it: find the importer among the
 * app's files, and say it as Node and Deno do.
 */
function missingExport(message: string, modulePath: string): Cause | undefined {
  const m = /^Export named '([^']+)' not found in module '([^']+)'/.exec(message);
  if (!m) return undefined;
  for (const file of importGraph(modulePath)) {
    const found = findImport(file, m[2]);
    if (!found) continue;
    const column = (sourceLine(file, found.at.line) ?? "").search(new RegExp(`\\b${m[1].replace(/\W/g, "\\$&")}\\b`)) + 1;
    return {
      at: { ...found.at, column: column > 0 && column < found.at.column ? column : found.at.column },
      what: `SyntaxError: The requested module '${found.specifier}' does not provide an export named '${m[1]}'`,
    };
  }
  return undefined;
}

/** esbuild's `file:line:col: ERROR: text` (through tsx on Node); its column counts bytes from 0. */
function fromEsbuild(message: string): Cause | undefined {
  const m = /^Transform failed[^\n]*\n(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (!m) return undefined;
  const [file, line, bytes] = [m[1], Number(m[2]), Number(m[3])];
  const text = sourceLine(file, line) ?? "";
  const column = Buffer.from(text).subarray(0, bytes).toString().length + 1;
  return { at: { file, line, column }, what: `SyntaxError: ${m[4]}` };
}

/** Deno's `... at file:///path:line:col` at the end of the message. */
function fromDeno(message: string, name: string | undefined): Cause | undefined {
  const m = /\bat (file:\/\/\S+?):(\d+):(\d+)\s*$/.exec(message);
  if (!m) return undefined;
  const at = { file: toPath(m[1]), line: Number(m[2]), column: Number(m[3]) };
  const first = message.split("\n")[0].replace(/ at file:\/\/\S+$/, "");
  const missing = /^Module not found "([^"]+)"/.exec(first) ?? /^Import "([^"]+)" not a dependency/.exec(first);
  if (!missing) return { at, what: /^\w*Error: /.test(first) ? first : `${name ?? "Error"}: ${first}` };
  // Deno names the resolved URL; the specifier as written starts at the position.
  const written = /^(["'])([^"']*)\1/.exec(sourceLine(at.file, at.line)?.slice(at.column - 1) ?? "");
  return { at, what: `cannot find module "${written?.[2] ?? missing[1]}"` };
}

/** V8's `file:line`, source line and caret at the top of a stack (Node, some SyntaxErrors). */
function fromArrow(stack: string): SourcePosition | undefined {
  // V8 draws no caret for an error at the end of the input: column 1 of the line it names.
  const m = /^(file:\/\/\S+|\/\S+):(\d+)\n(?:.*\n( *)\^)?/.exec(stack);
  return m ? { file: toPath(m[1]), line: Number(m[2]), column: (m[3]?.length ?? 0) + 1 } : undefined;
}

/** `node --check` reads a `.js` file outside a `"type": "module"` package as CommonJS, and passes ESM syntax errors there. */
function checkAsModule(): string[] {
  return process.allowedNodeEnvironmentFlags.has("--experimental-default-type") ? ["--experimental-default-type=module"] : [];
}

/** Node reports a JavaScript module's syntax error without a place: ask `node --check` of each local file. */
function checkSyntax(modulePath: string): SourcePosition | undefined {
  for (const file of importGraph(modulePath).filter((f) => /\.[cm]?js$/.test(f))) {
    try {
      const flags = file.endsWith(".js") ? checkAsModule() : [];
      execFileSync(process.execPath, [...flags, "--check", file], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    } catch (error) {
      const at = fromArrow(String((error as { stderr?: string }).stderr ?? ""));
      if (at) return at;
    }
  }
  return undefined;
}

function firstAppFrame(error: unknown): SourcePosition | undefined {
  const m = /(?:\(|^)(\/.+?|[A-Za-z]:[\\/].+?):(\d+):(\d+)\)?$/.exec(appFrames(error)[0] ?? "");
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined;
}

function cause(error: unknown, modulePath: string): Cause {
  // `throw "text"` carries no name and no place: say what was thrown, not "Error: text".
  if (error === null || (typeof error !== "object" && typeof error !== "function")) {
    return { what: `it threw ${typeof error === "string" ? JSON.stringify(error) : String(error)}, not an Error` };
  }
  const e = error as Loose;
  const message = String(e.message ?? error).replace(ANSI, "");
  const named = `${e.name ?? "Error"}: ${message.split("\n")[0]}`;
  if (e.name === "BuildMessage" && e.position?.file) {
    return { at: { file: e.position.file, line: e.position.line ?? 1, column: e.position.column ?? 1 }, what: `SyntaxError: ${message}` };
  }
  if (e.name === "ResolveMessage" && e.specifier && e.referrer) return notFound(e.specifier, e.referrer);
  const known = fromEsbuild(message) ?? (currentRuntime() === "deno" ? fromDeno(message, e.name) : missingExport(message, modulePath));
  if (known) return known;
  // Node (CommonJS through tsx): "Cannot find module 'x'\nRequire stack:\n- /importer".
  if (e.code === "MODULE_NOT_FOUND" && e.requireStack?.[0]) {
    const m = /^Cannot find module '([^']+)'/.exec(message);
    if (m) return notFound(m[1], e.requireStack[0]);
  }
  // Node and Bun (ESM): "Cannot find module|package 'x' imported from /importer".
  const esm = /^Cannot find (?:module|package) '([^']+)' imported from (.+)$/m.exec(message);
  if (esm) return notFound(esm[1], toPath(esm[2]));
  if (e.name === "SyntaxError" && currentRuntime() === "node") {
    const at = fromArrow(String(e.stack ?? "")) ?? (appFrames(error).length ? undefined : checkSyntax(modulePath));
    if (at) return { at, what: named };
  }
  return { at: firstAppFrame(error), what: named };
}

/** A parser that ran out of input: esbuild and Bun say "end of file", V8 "end of input", Deno (swc) `<eof>`. */
const END_OF_INPUT = /^SyntaxError: .*(?:\bend of (?:file|input)\b|<eof>)/i;

/**
 * Where the input ends: just after its last character that is not white space. Each parser puts an error at the
 * end of input somewhere of its own (after the last newline, on the last token, after it), and a file's last
 * newline may or may not be there: this place is the same on every runtime, and is where the missing text goes.
 */
function endOfSource(at: SourcePosition): SourcePosition {
  const text = readSource(at.file)?.trimEnd();
  if (text === undefined) return at;
  const lines = text.split(/\r?\n/);
  return { file: at.file, line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * The error to report when importing `modulePath` failed: ERR_MODULE_LOAD,
 * `file:line:column: what` (or `cannot load <module>: what` when no runtime
 * says where), and the code frame as `detail`.
 */
export function loadError(error: unknown, modulePath: string): OmniserveError & { detail: string[] } {
  const { at: reported, what } = cause(error, modulePath);
  const at = reported && END_OF_INPUT.test(what) ? endOfSource(reported) : reported;
  const message = at ? `${displayPath(at.file)}:${at.line}:${at.column}: ${what}` : `cannot load ${displayPath(modulePath)}: ${what}`;
  return Object.assign(new OmniserveError("ERR_MODULE_LOAD", message, { cause: error }), { detail: at ? codeFrame(at) : [] });
}
