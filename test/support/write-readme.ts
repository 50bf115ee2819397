/**
 * `npm run readme`: render the README's generated blocks afresh: the
 * exception tables from test/support/exceptions.ts and the CLI reference from
 * the built CLI's `--help` (test/docs.test.ts checks both match).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cliReference } from "./cli-reference.ts";
import { withExceptionTables } from "./exceptions-table.ts";
import { withBlock } from "./readme-blocks.ts";

const README = new URL("../../README.md", import.meta.url);
writeFileSync(README, withBlock(withExceptionTables(readFileSync(README, "utf8")), "cli", cliReference()));
