/**
 * The README's exception tables, rendered from the registry: one for the
 * HTTP contract, one for WebSockets, each between its pair of markers. The
 * README never says more than the registry, so the two cannot drift.
 * @module
 */
import type { Runtime } from "../../src/types.ts";
import { EXCEPTIONS, type RuntimeException } from "./exceptions.ts";

type Area = RuntimeException["area"];

const RUNTIME_NAMES: Record<Runtime, string> = { node: "Node", deno: "Deno", bun: "Bun" };

/** The markers around `area`'s table in the README. */
export function markers(area: Area): [start: string, end: string] {
  return [`<!-- exceptions:${area}:start -->`, `<!-- exceptions:${area}:end -->`];
}

/** A table cell: a `|` would end the cell early. */
const cell = (text: string): string => text.replaceAll("|", "\\|");

/** The markdown table of `area`'s exceptions, in registry order. */
export function exceptionsTable(area: Area): string {
  const rows = Object.entries(EXCEPTIONS as Record<string, RuntimeException>)
    .filter(([, e]) => e.area === area)
    .map(([name, e]) => `| \`${name}\` | ${e.runtimes.map((r) => RUNTIME_NAMES[r]).join(", ")} | ${cell(e.differs)} | ${cell(e.why)} |`);
  return ["| name | runtime | what differs | why |", "| --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}

/** The text between `area`'s markers in `readme`, or undefined without them. */
export function tableIn(readme: string, area: Area): string | undefined {
  const [start, end] = markers(area);
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  return a >= 0 && b > a ? readme.slice(a + start.length + 1, b) : undefined;
}

/** `readme` with both tables rendered afresh between their markers. */
export function withExceptionTables(readme: string): string {
  let text = readme;
  for (const area of ["http", "ws"] as const) {
    const [start, end] = markers(area);
    const old = tableIn(text, area);
    if (old === undefined) throw new Error(`README.md has no ${start} ... ${end} markers`);
    // A function, so a `$` in a reason is not read as a replacement pattern.
    text = text.replace(`${start}\n${old}${end}`, () => `${start}\n${exceptionsTable(area)}${end}`);
  }
  return text;
}
