/**
 * Find and read the runs `npm run bench:pool` pools: each argument is a run's
 * JSON file or a directory of them (bench/results/, or a folder of runs a
 * user wrote with `--out`), so pooling never needs a shell glob.
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "./_result.ts";

/** The run files named by `paths`: files as given, a directory's `*.json` files in name (date) order. */
export function runFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
      .map((entry) => join(path, entry.name))
      .sort();
  });
}

/** Read every run under `paths`; throws with a sentence naming the file that is missing or is not a run. */
export function readRuns(paths: string[]): RunResult[] {
  return runFiles(paths).map((file) => {
    let run: Partial<RunResult>;
    try {
      run = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!Array.isArray(run?.rows) || typeof run.date !== "string") throw new Error(`${file} is not a bench run (no date and rows)`);
    return run as RunResult;
  });
}
