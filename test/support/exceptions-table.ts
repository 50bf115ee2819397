/**
 * The README's exception tables, rendered from the registry: one for the
 * HTTP contract, one for WebSockets, one for the CLI, each between its pair of markers. The
 * README never says more than the registry, so the two cannot drift.
 * @module
 */
import type { Runtime } from "../../src/types.ts";
import { EXCEPTIONS, type RuntimeException } from "./exceptions.ts";
import { blockIn, withBlock } from "./readme-blocks.ts";

type Area = RuntimeException["area"];

const RUNTIME_NAMES: Record<Runtime, string> = { node: "Node", deno: "Deno", bun: "Bun" };

/** A table cell: a `|` would end the cell early. */
const cell = (text: string): string => text.replaceAll("|", "\\|");

/** The markdown table of `area`'s exceptions, in registry order. */
export function exceptionsTable(area: Area): string {
  const rows = Object.entries(EXCEPTIONS as Record<string, RuntimeException>)
    .filter(([, e]) => e.area === area)
    .map(([name, e]) => `| \`${name}\` | ${e.runtimes.map((r) => RUNTIME_NAMES[r]).join(", ")} | ${cell(e.differs)} | ${cell(e.why)} |`);
  return ["| name | runtime | what differs | why |", "| --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}

/** The README's table of `area`'s exceptions, or undefined without its markers. */
export function tableIn(readme: string, area: Area): string | undefined {
  return blockIn(readme, `exceptions:${area}`);
}

/** `readme` with both tables rendered afresh between their markers. */
export function withExceptionTables(readme: string): string {
  let text = readme;
  for (const area of ["http", "ws", "cli"] as const) text = withBlock(text, `exceptions:${area}`, exceptionsTable(area));
  return text;
}
