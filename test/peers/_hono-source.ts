/**
 * hono's runtime-tests/node/index.test.ts made servable by omniserve, as text: the same file is loaded twice,
 * in vitest (where its cases run) and in the server process (where its apps run), each time with `side`
 * (a module URL) standing in for what differs between the two. Its assertions are kept as written, except:
 * - imports of hono's `src/` load the same files of the installed hono's `dist/`, and `@hono/node-server`
 *   is `side` (its `serve` answers from a route of the one omniserve server);
 * - its `createAgent` (a Node server per app) is `side`'s: each app mounted under a prefix of that server;
 * - each `let aborted` flag becomes `side`'s `flag(n)`, read and set in the server process, where the app's
 *   `onAbort` sets it;
 * - the runtime-name case expects the runtime that serves it (hono's `getRuntimeKey()` names it);
 * - "Environment Variables" is skipped: it serves nothing.
 * Each step fails loudly when the file no longer has what it rewrites.
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function replaceExactly(text: string, pattern: RegExp, replace: (match: string, ...groups: string[]) => string, count?: number): string {
  let seen = 0;
  const out = text.replace(pattern, (match, ...groups) => (seen++, replace(match, ...groups)));
  if (seen === 0 || (count !== undefined && seen !== count)) throw new Error(`hono's node tests changed: ${pattern} matched ${seen} times`);
  return out;
}

/** The text from `start` through the end of the function whose header starts there (its braces balanced). */
function functionAt(text: string, start: number): string {
  let depth = 0;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error("hono's node tests changed: createAgent has no end");
}

/** The installed hono's built file for `src/<path>`. */
function honoDist(honoDir: string, path: string): string {
  const base = join(honoDir, "dist", path);
  for (const file of [`${base}.js`, join(base, "index.js")]) if (existsSync(file)) return pathToFileURL(file).href;
  throw new Error(`the installed hono has no dist/${path}`);
}

/** hono's node test file rewritten for one side of the harness. */
export function honoNodeTests(source: string, honoDir: string, side: string): string {
  let out = replaceExactly(source, /from '\.\.\/\.\.\/src((?:\/[\w-]+)*)'/g, (_, path) => `from '${honoDist(honoDir, path || "/index")}'`);
  out = replaceExactly(out, /from '@hono\/node-server'/g, () => `from '${side}'`, 1);
  const agent = out.indexOf("function createAgent(");
  if (agent < 0) throw new Error("hono's node tests changed: no createAgent");
  out = out.replace(functionAt(out, agent), "");
  let flags = 0;
  out = replaceExactly(out, /let aborted = false|\baborted\b/g, (match) => match.startsWith("let") ? `const aborted${++flags} = flag(${flags})` : `aborted${flags}.value`);
  out = replaceExactly(out, /resolves\.toBe\('node'\)/g, () => "resolves.toBe(servingRuntime)", 1);
  out = replaceExactly(out, /describe\('Environment Variables'/g, () => "describe.skip('Environment Variables'", 1);
  return `import { createAgent, flag, servingRuntime } from '${side}'\n${out}`;
}
