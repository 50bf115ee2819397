/**
 * `npm run readme`: render the README's exception tables from
 * test/support/exceptions.ts (test/docs.test.ts checks they match).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { withExceptionTables } from "./exceptions-table.ts";

const README = new URL("../../README.md", import.meta.url);
writeFileSync(README, withExceptionTables(readFileSync(README, "utf8")));
