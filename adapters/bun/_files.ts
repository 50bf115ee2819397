/**
 * Files on Bun: lookups with Bun's native `node:fs`, and `Bun.file()` (or a
 * slice of it for a range) as the body, which Bun.serve sends with
 * sendfile(2): no JavaScript touches the bytes.
 * @module
 */
import { realpathSync, statSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { type FileHost, lookups, nodeFsCalls } from "../../src/static/_files.ts";
import { bun } from "./host.ts";

export const bunFiles: FileHost = {
  ...lookups(nodeFsCalls({ realpath, stat, realpathSync, statSync })),
  respond(real, start, end, size, init) {
    const file = bun().file(real);
    return new Response(start === 0 && end === size - 1 ? file : file.slice(start, end + 1), init);
  },
};
