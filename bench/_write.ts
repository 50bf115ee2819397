/**
 * Save a run: a JSON and a markdown file per run in bench/results/, then
 * latest.md, chart.svg and the table in bench/README.md and README.md.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chart } from "./_chart.ts";
import { markdown } from "./_markdown.ts";
import type { RunResult } from "./_result.ts";

const RESULTS = fileURLToPath(new URL("./results/", import.meta.url));
/** Both READMEs carry the latest table between the markers. */
const READMES = [
  fileURLToPath(new URL("./README.md", import.meta.url)),
  fileURLToPath(new URL("../README.md", import.meta.url)),
];
const START = "<!-- latest:start -->";
const END = "<!-- latest:end -->";

/**
 * Write a run's JSON and markdown; with `latest` (a run of every runtime and
 * scenario) also latest.md, chart.svg and the README table. Returns the paths written.
 */
export function saveRun(run: RunResult, latest: boolean): string[] {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = run.date.replace(/[:.]/g, "-").replace(/-\d+Z$/, "Z");
  const table = markdown(run);
  const files: Record<string, string> = {
    [`${stamp}.json`]: JSON.stringify(run, null, 2) + "\n",
    [`${stamp}.md`]: table,
  };
  if (latest) {
    files["latest.md"] = table;
    files["chart.svg"] = chart(run);
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(RESULTS + name, text);
  const written = Object.keys(files).map((name) => `bench/results/${name}`);
  for (const readmePath of latest ? READMES : []) {
    if (!existsSync(readmePath)) continue;
    const readme = readFileSync(readmePath, "utf8");
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    if (a >= 0 && b > a) {
      writeFileSync(readmePath, `${readme.slice(0, a + START.length)}\n${table}${readme.slice(b)}`);
      written.push(readmePath.endsWith("bench/README.md") ? "bench/README.md" : "README.md");
    }
  }
  return written;
}
