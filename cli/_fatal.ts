import process from "node:process";
import { OmniserveError } from "../src/_errors.ts";

/** Print one line for `error` and exit 1: no stack trace for errors we expect. */
export function fatal(error: unknown): never {
  const message = error instanceof OmniserveError
    ? `${error.message} [${error.code}]`
    : `${(error as Error)?.message ?? String(error)}`.split("\n")[0];
  process.stderr.write(`omniserve: error: ${message}\n`);
  process.exit(1);
}
