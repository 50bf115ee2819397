/**
 * What produced a result: the machine, each runtime's version, the load
 * generators and the omniserve commit.
 * @module
 */
import os from "node:os";
import process from "node:process";
import { runtimeBinary } from "../cli/runtime.ts";
import { output, wrkVersion } from "./_tools.ts";

export interface Machine {
  /** Short tag for table rows, e.g. "2× AMD EPYC 7B13, linux 6.1". */
  tag: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
}

export interface Versions {
  node: string;
  deno: string;
  bun: string;
  wrk: string;
  wsClient: string;
  omniserve: string;
}

export function machine(): Machine {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  const cores = os.availableParallelism();
  const release = `${os.type().toLowerCase()} ${os.release().split("-")[0]}`;
  return {
    tag: `${cores}× ${cpu.replace(/ \d+-Core Processor| Processor|\(R\)|\(TM\)| CPU/g, "")}, ${release}`,
    cpu,
    cores,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${release} ${os.arch()}`,
  };
}

export function versions(hasWrk: boolean): Versions {
  const sha = output("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = output("git", ["status", "--porcelain", "--", "src", "adapters"]) ? "+dirty" : "";
  return {
    node: process.versions.node,
    deno: output(runtimeBinary("deno"), ["--version"]).split("\n")[0].replace(/^deno /, "").split(" ")[0],
    bun: output(runtimeBinary("bun"), ["--version"]),
    wrk: hasWrk ? wrkVersion() : "not installed",
    wsClient: `bench/ws client on node ${process.versions.node}`,
    omniserve: sha ? `${sha}${dirty}` : "unknown",
  };
}
