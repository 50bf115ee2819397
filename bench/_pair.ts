/**
 * Two servers side by side: both pinned to the server CPU, both loaded at the
 * same time by one h2load each (on the load CPU), CPU per request read from
 * /proc for each server's whole process tree, the ratio B ÷ A taken per round
 * and its median reported. Both suffer the same interference, so the ratio
 * holds where absolute figures do not (two copies of one server gave
 * 0.96-1.15, median 1.04, over 8 rounds on a loaded machine). Used by
 * `npm run bench:pair` (any two servers) and `npm run bench:workers` (the
 * workers bar).
 * @module
 */
import { execFile } from "node:child_process";
import { pinServer } from "./_pin.ts";
import { contenderCpu, processesOf, type Running, spawnServer } from "./_process.ts";
import { median } from "./_stats.ts";

/** How each server is loaded. */
export interface PairLoad {
  requests: number;
  rounds: number;
  /** A file h2load posts as each request's body. */
  body?: string;
  /** HTTP/1.1 on `clients` connections, one request at a time each; otherwise HTTP/2 with `streams` per connection. */
  h1: boolean;
  clients: number;
  streams: number;
}

/** One side: a name and the command that starts it (it must print `listening on http(s)://host:port`). */
export interface PairSide {
  name: string;
  argv: string[];
}

export interface PairResult {
  /** CPU µs per request of each side, one entry per round. */
  perRequest: [number[], number[]];
  /** B ÷ A per round. */
  ratios: number[];
  median: number;
}

function load(url: string, l: PairLoad): Promise<void> {
  const args = ["-t1", `-c${l.clients}`, `-m${l.h1 ? 1 : l.streams}`, "-n", String(l.requests)];
  if (l.body) args.push("-d", l.body);
  if (l.h1) args.push("--h1");
  return new Promise((resolve, reject) => {
    execFile("h2load", [...args, `${url}/`], (error, stdout) => {
      const done = /(\d+) succeeded/.exec(stdout);
      if (error || !done || Number(done[1]) !== l.requests) reject(new Error(`h2load against ${url}: ${error?.message ?? stdout.trim().split("\n").pop()}`));
      else resolve();
    });
  });
}

/**
 * Start both sides, warm both up with one load, then measure `rounds` rounds;
 * `onRound` hears each round's figures. The caller pins itself to the load CPU (pinLoad).
 */
export async function runPair(
  sides: [PairSide, PairSide],
  l: PairLoad,
  onRound: (round: number, perRequest: [number, number]) => void = () => {},
): Promise<PairResult> {
  const servers: Running[] = [];
  try {
    for (const side of sides) {
      const server = await spawnServer(side.argv);
      servers.push(server);
      for (const pid of processesOf(server)) pinServer(pid);
    }
    await Promise.all(servers.map((s) => load(s.url, l)));
    const perRequest: [number[], number[]] = [[], []];
    const ratios: number[] = [];
    for (let round = 0; round < l.rounds; round++) {
      const before = servers.map(contenderCpu);
      await Promise.all(servers.map((s) => load(s.url, l)));
      const figures = servers.map((s, i) => ((contenderCpu(s) - before[i]) * 1e6) / l.requests) as [number, number];
      perRequest[0].push(figures[0]);
      perRequest[1].push(figures[1]);
      ratios.push(figures[1] / figures[0]);
      onRound(round, figures);
    }
    return { perRequest, ratios, median: median(ratios) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** `median 1.004 (0.993-1.036, 8 rounds)`. */
export const spread = (r: PairResult): string =>
  `median ${r.median.toFixed(3)} (${Math.min(...r.ratios).toFixed(3)}-${Math.max(...r.ratios).toFixed(3)}, ${r.ratios.length} rounds)`;
