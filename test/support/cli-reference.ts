/**
 * The README's CLI reference: the `--help` of `omniserve` and of each
 * command, as the built CLI prints them (run `npm run build` first).
 * @module
 */
import { execFileSync } from "node:child_process";

const PAGES = [["--help"], ["serve", "--help"], ["test", "--help"]];

/** The reference block: each help page after the command that prints it. */
export function cliReference(): string {
  const pages = PAGES.map((args) => `$ omniserve ${args.join(" ")}\n${execFileSync("node", ["bin/omniserve.js", ...args], { encoding: "utf8" })}`);
  return ["```text", pages.join("\n").trimEnd(), "```", ""].join("\n");
}
