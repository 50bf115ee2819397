/**
 * Entry point of a server process the CLI starts on another runtime (or with
 * runtime flags, `--watch` or `--workers`): `<runtime> _child.js <module> <flags as JSON>`.
 * It stops gracefully on SIGINT/SIGTERM, and when the process that started it is gone.
 * @module
 */
import process from "node:process";
import { setLogFormat } from "../src/_log.ts";
import { fatal } from "./_fatal.ts";
import { watchParent } from "./_parent.ts";
import { type ServedModule, type ServeFlags, serveModule } from "./_serve.ts";

const parent = process.ppid;
const [modulePath, json] = process.argv.slice(2);
const flags = JSON.parse(json ?? "{}") as ServeFlags;
if (flags.logFormat) setLogFormat(flags.logFormat);
// Watched from the start: a CLI gone while the module still loads (SIGINT to `--watch` or `--workers`) must not
// leave this process behind to finish loading and serve for nobody.
let served: ServedModule | undefined;
watchParent(() => served ? served.stop() : process.exit(1), parent);
serveModule(modulePath, flags).then((module) => served = module, fatal);
