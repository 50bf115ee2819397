/**
 * Keep the load generator and the server under test off each other's core:
 * the bench process (and so wrk and the WebSocket clients it spawns) runs on
 * the last CPU, every server on CPU 0. On a 2-core machine this removes most
 * of the run-to-run swing that comes from the two fighting over both cores.
 * Without `taskset` (util-linux) or with one core it does nothing, and the
 * run says so.
 * @module
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import process from "node:process";

const cores = os.availableParallelism();

function taskset(args: string[]): boolean {
  try {
    execFileSync("taskset", args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pin this process (and what it spawns later) to the last CPU; true when pinned. */
export function pinLoad(): boolean {
  if (cores < 2) return false;
  return taskset(["-a", "-p", "-c", String(cores - 1), String(process.pid)]);
}

/** Pin every thread of a server process to CPU 0 (all CPUs but the load generator's on bigger machines). */
export function pinServer(pid: number): void {
  taskset(["-a", "-p", "-c", cores > 2 ? `0-${cores - 2}` : "0", String(pid)]);
}
