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
import { currentRuntime } from "./runtime.ts";
import { type ServedModule, type ServeFlags, serveModule } from "./_serve.ts";
import { UNSET_NO_COLOR } from "./spawn.ts";

// NO_COLOR was for Deno's own output (see spawn.ts): the app sees the environment it was given. Without
// --allow-env among the user's Deno flags this throws, and the app cannot read the environment anyway.
try {
  if (process.env[UNSET_NO_COLOR]) {
    delete process.env.NO_COLOR;
    delete process.env[UNSET_NO_COLOR];
  }
} catch {
  // no env access
}
const parent = process.ppid;
const [modulePath, json] = process.argv.slice(2);
const flags = JSON.parse(json ?? "{}") as ServeFlags;
if (flags.logFormat) setLogFormat(flags.logFormat);
// Watched from the start: a CLI gone while the module still loads (SIGINT to `--watch` or `--workers`) must not
// leave this process behind to finish loading and serve for nobody. Not on Deno, which never reports a top-level
// await that never settles while a timer is armed, even an unref'd one (it would hang for ever): there the watch
// starts once the module has loaded (the named exception denoWatchAfterLoad).
let served: ServedModule | undefined;
const onGone = () => served ? served.stop() : process.exit(1);
const watchDuringLoad = currentRuntime() !== "deno";
if (watchDuringLoad) watchParent(onGone, parent);
serveModule(modulePath, flags).then((module) => {
  served = module;
  if (!watchDuringLoad) watchParent(onGone, parent);
}, fatal);
