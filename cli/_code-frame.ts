/**
 * A few lines of a source file with a caret under one column, rendered by
 * omniserve from the file on disk so the frame looks the same on every
 * runtime (each runtime draws its own differently, and Node draws none for
 * TypeScript).
 * @module
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import process from "node:process";

/** A place in a file; line and column count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A path as a user would write it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

/** Read `file`, or undefined when it cannot be read. */
export function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Line `line` (from 1) of `file`, or undefined. */
export function sourceLine(file: string, line: number): string | undefined {
  return readSource(file)?.split(/\r?\n/)[line - 1];
}

/**
 * The line before `at` and the line of `at`, then a caret under its column:
 *
 *     4 |   fetch() {
 *   > 5 |   }
 *       |   ^
 *
 * Empty when the file or the line cannot be read.
 */
export function codeFrame(at: SourcePosition): string[] {
  const lines = readSource(at.file)?.split(/\r?\n/);
  if (!lines || at.line < 1 || at.line > lines.length) return [];
  const first = Math.max(1, at.line - 1);
  const width = String(at.line).length;
  // Tabs become two spaces so the caret stays under its character.
  const show = (text: string) => text.replaceAll("\t", "  ");
  const frame = [];
  for (let n = first; n <= at.line; n++) {
    frame.push(`${n === at.line ? ">" : " "} ${String(n).padStart(width)} | ${show(lines[n - 1])}`.trimEnd());
  }
  const before = show(lines[at.line - 1].slice(0, Math.max(0, at.column - 1)));
  frame.push(`  ${" ".repeat(width)} | ${" ".repeat(before.length)}^`);
  return frame;
}
