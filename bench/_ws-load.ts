/**
 * Drive the WebSocket scenario with the clients in bench/ws/: delivered
 * broadcast messages per second, and memory per idle connection.
 * @module
 */
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { lastLine, rss } from "./_process.ts";
import { sleep } from "./_stats.ts";

const client = (name: string): string => fileURLToPath(new URL(`./ws/${name}.ts`, import.meta.url));
/** One ws:// URL per comma-separated http:// URL. */
const wsUrl = (url: string): string => url.split(",").map((u) => u.replace(/^http/, "ws") + "/").join(",");

export interface BroadcastResult {
  delivered: number;
  sent: number;
  seconds: number;
  perSecond: number;
  /** CPU share of one core the client used; near 1 means the client may be the limit. */
  clientCpu: number;
}

export interface BroadcastRun {
  seconds: number;
  clients: number;
  /** Broadcasts kept in flight. */
  window: number;
  /** Offer permessage-deflate and send compressible 2 KiB messages. */
  deflate?: boolean;
}

/** Run the broadcast client once against `url`. */
export function broadcast(url: string, run: BroadcastRun): Promise<BroadcastResult> {
  const args = ["--import", "tsx", client("broadcast-client"), wsUrl(url), String(run.clients), String(run.seconds), String(run.window), ...(run.deflate ? ["deflate"] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: (run.seconds + 30) * 1000 }, (error, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (!line) return reject(new Error(`broadcast client failed: ${lastLine(stderr) || error?.message}`));
      resolve(JSON.parse(line) as BroadcastResult);
    });
  });
}

let nextAddress = 2;

/**
 * Bytes of server RSS per idle WebSocket: RSS with `count` open sockets minus
 * RSS before. Each call connects from a fresh 127.0.0.x so runs never compete
 * for ephemeral ports still in TIME_WAIT.
 */
export async function idleBytesPerSocket(url: string, pid: number, count: number): Promise<number> {
  await sleep(500);
  const before = rss(pid);
  const localAddress = `127.0.0.${nextAddress++}`;
  const child = spawn(process.execPath, ["--import", "tsx", client("idle-client"), wsUrl(url), String(count), localAddress], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("open") && resolve());
      child.once("exit", (code) => reject(new Error(`idle client exited (${code}): ${lastLine(err)}`)));
    });
    await sleep(1000);
    return (rss(pid) - before) / count;
  } finally {
    child.kill("SIGKILL");
  }
}
