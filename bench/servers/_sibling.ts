/**
 * The second process of a by-hand two-process server (the `reusePort`
 * contenders): the first process binds port 0, then starts this same script
 * again on the port it got and announces the pair once the second listens too.
 * The second one exits when its stdin closes, which happens however the first
 * one ends (the bench stops contenders with SIGKILL), so no process is left behind.
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";

/** Start this script again with `args` (plus the port) and resolve when it prints its ready line. */
export function startSibling(args: string[], port: number): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args, String(port)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`second process exited with status ${code}`)));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk).includes("listening on") && resolve());
  });
}

/** In the second process: exit when the first one is gone. */
export function exitWithParent(): void {
  process.stdin.on("end", () => process.exit(0)).on("error", () => process.exit(0)).resume();
}
