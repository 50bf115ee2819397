/**
 * Files on Bun: lookups with Bun's native `node:fs`, and `Bun.file()` (or a
 * slice of it for a range) as the body, which Bun.serve sends with
 * sendfile(2): no JavaScript touches the bytes.
 * @module
 */
import { lstatSync, realpathSync, statSync } from "node:fs";
import { type FileHost, nodeFinder } from "../../src/static/_files.ts";
import { bun } from "./host.ts";

export const bunFiles: FileHost = {
  find: nodeFinder({ realpathSync, statSync, lstatSync }),
  respond(real, start, end, size, init) {
    const file = bun().file(real);
    return new Response(start === 0 && end === size - 1 ? file : file.slice(start, end + 1), init);
  },
};
