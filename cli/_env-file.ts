/**
 * `omniserve serve --env-file FILE`: variables for the server, read by
 * omniserve itself so the same file gives the same values on every runtime
 * (Node, Deno and Bun each parse env files a little differently, and Bun reads
 * `.env` unasked, which omniserve turns off). Without `--env-file`, no file is
 * read.
 *
 * The format: `NAME=value` lines, `export NAME=value` too; blank lines and
 * `#` comments are skipped; an unquoted value ends at ` #` and is trimmed;
 * `'single'` and `` `backtick` `` quotes keep their text as it is; `"double"`
 * quotes understand `\n`, `\r`, `\t`, `\"` and `\\`. Quoted values may span
 * lines. `$NAME` is not expanded. Any other line is an error, with its number.
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { badArgument } from "./_args.ts";
import { whyUnreadable } from "./_unreadable.ts";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** The variables in `text`, in order; `where` names the file in errors. */
export function parseEnv(text: string, where: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const source = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let at = 0;
  const lineNumber = () => source.slice(0, at).split("\n").length;
  while (at < source.length) {
    const end = source.indexOf("\n", at) < 0 ? source.length : source.indexOf("\n", at);
    const line = source.slice(at, end);
    if (/^\s*(#.*)?$/.test(line)) {
      at = end + 1;
      continue;
    }
    const head = LINE.exec(line);
    if (!head) throw badArgument(`${where}, line ${lineNumber()}: expected NAME=value, got "${line.trim()}"`);
    const start = at + head[0].length;
    const quote = source[start];
    if (quote === '"' || quote === "'" || quote === "`") {
      let value = "";
      let i = start + 1;
      for (; i < source.length && source[i] !== quote; i++) {
        if (quote === '"' && source[i] === "\\" && i + 1 < source.length) value += ESCAPES[source[++i]] ?? `\\${source[i]}`;
        else value += source[i];
      }
      if (i >= source.length) throw badArgument(`${where}, line ${lineNumber()}: the ${quote} quote of ${head[1]} is never closed`);
      const rest = source.indexOf("\n", i) < 0 ? source.length : source.indexOf("\n", i);
      if (!/^\s*(#.*)?$/.test(source.slice(i + 1, rest))) {
        throw badArgument(`${where}, line ${lineNumber()}: unexpected text after the quoted value of ${head[1]}`);
      }
      vars[head[1]] = value;
      at = rest + 1;
    } else {
      vars[head[1]] = source.slice(start, end).replace(/\s+#.*$/, "").trim();
      at = end + 1;
    }
  }
  return vars;
}

/**
 * The variables of `files` that the environment does not already set (the
 * environment wins); a later file wins over an earlier one.
 */
export function readEnvFiles(files: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw badArgument(`cannot read --env-file ${file}: ${whyUnreadable(error)}`);
    }
    Object.assign(vars, parseEnv(text, file));
  }
  for (const name of Object.keys(vars)) if (process.env[name] !== undefined) delete vars[name];
  return vars;
}
