/** Scenario "static": a 1 MiB file sent by serveStatic(), the folder's index at `/`. */
import { serveStatic } from "omniserve";
import { ensureStaticFile, STATIC_DIR, STATIC_NAME } from "./_files.ts";

ensureStaticFile();

export default { fetch: serveStatic({ root: STATIC_DIR, index: STATIC_NAME }) };
