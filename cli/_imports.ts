/**
 * The local files an app module imports, read from the source text: `--watch`
 * watches them, and a failed import is pointed at where it is written. One
 * reading for every runtime, so the same edit restarts the same server on
 * each. It sees string-literal specifiers (`import`, `export ... from`,
 * `import()`, `require()`) that start with `.` or `/`; packages are not
 * watched, and a specifier computed at run time is not seen.
 * @module
 */
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readSource, type SourcePosition } from "./_code-frame.ts";

/** A module specifier as written, and where its opening quote is. */
export interface Specifier {
  specifier: string;
  index: number;
}

const SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*(["'])([^"'\n]+)\1/g;

/** Every string-literal specifier in `source` (comments are not told apart; a commented import is watched too). */
export function specifiers(source: string): Specifier[] {
  return [...source.matchAll(SPECIFIER)].map((m) => ({ specifier: m[2], index: m.index! + m[0].length - m[2].length - 2 }));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file a relative or absolute `specifier` in `from` names, with the
 * lookups the runtimes share: the exact path, `.js` written for a `.ts` file,
 * a missing extension, a folder's index. Undefined for packages.
 */
export function resolveLocal(from: string, specifier: string): string | undefined {
  if (!/^(\.{1,2}\/|\/|file:)/.test(specifier)) return undefined;
  const base = specifier.startsWith("file:") ? fileURLToPath(specifier) : resolve(dirname(from), specifier);
  const bare = base.replace(/\.[cm]?[jt]sx?$/, "");
  const candidates = [base, ...[".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"].map((ext) => bare + ext)];
  candidates.push(...["index.ts", "index.js"].map((index) => join(base, index)));
  return candidates.find(isFile);
}

/** The module and every local file it reaches through its imports, the module first. */
export function importGraph(entry: string): string[] {
  const seen = new Set([resolve(entry)]);
  for (const file of seen) {
    for (const { specifier } of specifiers(readSource(file) ?? "")) {
      const found = resolveLocal(file, specifier);
      if (found) seen.add(found);
    }
  }
  return [...seen];
}

/** Line and column (from 1) of `index` in `source`. */
export function positionOf(file: string, source: string, index: number): SourcePosition {
  const before = source.slice(0, index);
  const line = before.split("\n").length;
  return { file, line, column: index - before.lastIndexOf("\n") };
}

/**
 * Where `importer` writes the import of `target` (a specifier as written,
 * `./dep.ts` or `hono`, or the absolute path a runtime resolved it to), and
 * the specifier as written there.
 */
export function findImport(importer: string, target: string): { at: SourcePosition; specifier: string } | undefined {
  const source = readSource(importer);
  if (source === undefined) return undefined;
  const absolute = target.startsWith("/") || target.startsWith("file:");
  const wanted = target.startsWith("file:") ? fileURLToPath(target) : target;
  const strip = (path: string) => path.replace(/\.[cm]?[jt]sx?$/, "");
  const hit = specifiers(source).find(({ specifier }) =>
    specifier === target ||
    (absolute && /^(\.{1,2}\/|\/)/.test(specifier) && strip(resolve(dirname(importer), specifier)) === strip(wanted))
  );
  return hit && { at: positionOf(importer, source, hit.index), specifier: hit.specifier };
}
