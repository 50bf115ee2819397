/** Render a run as the markdown table in bench/results/ and the README. @module */
import type { Row, RunResult } from "./_result.ts";

const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function ratio(row: Row): string {
  if (row.control) return "1 (control)";
  return row.ratio === null ? "–" : row.ratio.toFixed(2);
}

function cpuRatio(row: Row): string {
  if (row.control) return "1";
  return row.cpuRatio === null ? "–" : row.cpuRatio.toFixed(2);
}

/** Redis's own CPU beside the server's, for the scenarios across Redis. */
function redis(row: Row): string {
  if (row.redisCpu === undefined || row.redisCpu === null) return "";
  return ` + Redis ${num(row.redisCpu, 3)} (${num((row.redisShare ?? 0) * 100, 1)}%)`;
}

function status(row: Row): string {
  return row.status === "ok" ? "ok" : row.status.replace(/\|/g, "/").slice(0, 120);
}

/** The markdown for one run. */
export function markdown(run: RunResult): string {
  const { machine, versions, settings } = run;
  const lines = [
    `Run ${run.date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}).`,
    `Node ${versions.node}, Deno ${versions.deno}, Bun ${versions.bun}; load: ${versions.wrk} (HTTP/1.1, 1 thread, ` +
    `${settings.connections} connections), ${versions.wsClient} (WebSocket, ${settings.wsClients} clients in one room, ` +
    `${settings.wsWindow} broadcasts in flight); omniserve ${versions.omniserve}.`,
    `${settings.pairs} alternating rounds of ${settings.seconds} s, ` +
    `${settings.freshProcesses ? "each on fresh server processes after" : "one process per contender, after"} a ${settings.warmupSeconds} s warm-up (10 s for gzip and br)` +
    `${settings.pinned ? ", servers pinned to CPU 0 and load generators to another" : ""}; ` +
    `throughput is the median round, ratio the median of per-round ratios to the raw server; ` +
    `ratio per CPU-s compares throughput per server CPU-second, the cost, which holds up when other load steals CPU.` +
    (settings.quick ? " **Quick mode: a smoke test, not a measurement.**" : ""),
    "",
    "| Runtime | Scenario | Contender | Throughput | Ratio to raw | Ratio per CPU-s | p50 ms | p99 ms | at req/s | Peak RSS MiB | Server CPU | KiB/idle WS | Load generator | Machine | Status |",
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|",
  ];
  for (const r of run.rows) {
    const idle = r.idleKiBPerSocket === undefined ? "" : `${num(r.idleKiBPerSocket, 1)}${r.idleConnections ? ` @${num(r.idleConnections)}` : ""}`;
    lines.push(
      `| ${r.runtime} ${r.runtimeVersion} | ${r.scenario} | ${r.detail} | ${num(r.throughput)} ${r.throughput === null ? "" : r.unit} | ` +
        `${ratio(r)} | ${cpuRatio(r)} | ${num(r.p50Ms, 2)} | ${num(r.p99Ms, 2)} | ${num(r.latencyRate)} | ${num(r.peakRssMiB, 1)} | ` +
        `${num(r.serverCpu, 2)}${redis(r)} | ${idle} | ${r.generator} | ${r.machine} | ${status(r)} |`,
    );
  }
  return lines.join("\n") + "\n";
}
