import process from "node:process";
import { OmniserveError } from "../src/_errors.ts";
import { logFormat, writeLog } from "../src/_log.ts";

/**
 * Report `error` and exit 1: one line, `omniserve: error: <message> [CODE]`,
 * no stack trace for errors we expect. What follows the line: its `detail`
 * (a code frame) and, for a mistake in the arguments, the command's `usage`
 * after a blank line. With `--log-format json`, one JSON object instead.
 */
export function fatal(error: unknown): never {
  const e = error as { detail?: string[]; usage?: string } | undefined;
  const ours = error instanceof OmniserveError;
  const message = ours ? error.message : `${(error as Error)?.message ?? String(error)}`.split("\n")[0];
  if (logFormat() === "json") {
    writeLog("fatal", message, { ...(ours ? { code: error.code } : {}), ...(e?.detail?.length ? { frame: e.detail } : {}) });
  } else {
    const detail = [...(e?.detail ?? []), ...(e?.usage ? ["", e.usage] : [])];
    writeLog("fatal", `error: ${message}${ours ? ` [${error.code}]` : ""}`, undefined, detail);
  }
  process.exit(1);
}
