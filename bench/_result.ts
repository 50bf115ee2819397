/** The shape of a run's results, as written to bench/results/*.json. @module */
import type { Machine, Versions } from "./_machine.ts";

/** One contender in one scenario on one runtime. */
export interface Row {
  runtime: string;
  runtimeVersion: string;
  scenario: string;
  contender: string;
  /** What actually ran, e.g. "node:http" or "srvx + crossws". */
  detail: string;
  control: boolean;
  /** "ok", "not available: …" or "failed: …". */
  status: string;
  generator: string;
  machine: string;
  unit: "req/s" | "msg/s";
  /** Median throughput over the measured rounds. */
  throughput: number | null;
  /** Median over rounds of (this / control in the same round). */
  ratio: number | null;
  /**
   * Median over rounds of (this / control) in throughput per server CPU-second:
   * the cost ratio, which holds up when other load steals CPU mid-round.
   */
  cpuRatio: number | null;
  /** Throughput of each round, in order. */
  rounds: number[];
  /** Throughput per server CPU-second of each round, in order (runs before 2026-11-27 22:30 lack it). */
  roundsPerCpu?: number[];
  /** Latency at the scenario's fixed moderate rate. */
  latencyRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Peak RSS of the server process over the scenario. */
  peakRssMiB: number | null;
  /** Median server CPU (cores) during throughput rounds. */
  serverCpu: number | null;
  /**
   * Across Redis: median cores the redis-server used during this contender's
   * throughput rounds, and its median share of server plus Redis CPU.
   */
  redisCpu?: number | null;
  redisShare?: number | null;
  /** Median load-client CPU (cores) during WebSocket rounds. */
  clientCpu?: number | null;
  /** Server RSS per idle WebSocket, at `idleConnections` connections. */
  idleKiBPerSocket?: number | null;
  idleConnections?: number;
}

export interface Settings {
  quick: boolean;
  seconds: number;
  pairs: number;
  warmupSeconds: number;
  latencySeconds: number;
  connections: number;
  wsClients: number;
  wsWindow: number;
  idleConnections: number;
  /** Servers on their own core(s), the load generator on another (bench/_pin.ts). */
  pinned: boolean;
  /** Every round starts fresh server processes, so one process's luck does not bias a contender. */
  freshProcesses: boolean;
}

export interface RunResult {
  date: string;
  machine: Machine;
  versions: Versions;
  settings: Settings;
  rows: Row[];
}
