/**
 * Measure one scenario on one runtime: start every contender, check each one
 * answers correctly, then alternate contenders round by round (A B C, C B A,
 * …) so drift on a noisy machine hits them all alike. Each round starts fresh
 * server processes and warms them up: two processes of the same server differ
 * by up to ±8% on this kind of machine (measured), which a contender would
 * otherwise carry through every round. A ratio is taken inside each round
 * against the control and the median kept.
 * @module
 */
import type { Contender } from "./_contenders.ts";
import { pinServer } from "./_pin.ts";
import { contenderCpu, peakRss, processesOf, type Running } from "./_process.ts";
import type { Row, Settings } from "./_result.ts";
import type { Scenario } from "./_scenarios.ts";
import { median, round } from "./_stats.ts";
import { rps, wrk, wrkProblem } from "./_wrk.ts";
import { h2load } from "./_h2load.ts";
import { broadcast, idleBytesPerSocket } from "./_ws-load.ts";
import { redisCpuSeconds } from "./_redis.ts";

/** Facts every row carries. */
export interface RowContext {
  machine: string;
  runtimeVersion: string;
  generator: string;
  hasLoad: boolean;
}

interface Entry {
  contender: Contender;
  row: Row;
  server?: Running;
  cpu: number[];
  clientCpu: number[];
  /** Across Redis: redis-server cores, and its share of server plus Redis CPU, per round. */
  redisCpu: number[];
  redisShare: number[];
  /** Units per server CPU-second, per round. */
  perCpu: number[];
}

type Log = (line: string) => void;

function blankRow(c: Contender, s: Scenario, ctx: RowContext, control: boolean): Row {
  return {
    runtime: c.runtime,
    runtimeVersion: ctx.runtimeVersion,
    scenario: s.name,
    contender: c.name,
    detail: c.describe(s),
    control,
    status: "ok",
    generator: ctx.generator,
    machine: ctx.machine,
    unit: s.kind === "ws" ? "msg/s" : "req/s",
    throughput: null,
    ratio: null,
    cpuRatio: null,
    rounds: [],
    latencyRate: null,
    p50Ms: null,
    p99Ms: null,
    peakRssMiB: null,
    serverCpu: null,
  };
}

/** One measurement: units per second, server cores used, the WebSocket client's CPU share and Redis's cores. */
interface Sample {
  value: number;
  cpu: number;
  clientCpu?: number;
  redisCpu?: number;
}

/** One throughput measurement, or a throw saying why it is not clean. */
async function measure(e: Entry, s: Scenario, seconds: number, settings: Settings): Promise<Sample> {
  const url = e.server!.url;
  const acrossRedis = s.kind === "ws" && s.redis === true;
  const redis0 = acrossRedis ? await redisCpuSeconds() : 0;
  const cpu0 = contenderCpu(e.server!);
  const t0 = performance.now();
  let value: number;
  let clientCpu: number | undefined;
  if (s.kind === "ws") {
    const r = await broadcast(url, { seconds, clients: settings.wsClients, window: settings.wsWindow, deflate: s.deflate });
    if (r.delivered === 0) throw new Error("no broadcast message was delivered");
    clientCpu = r.clientCpu;
    value = r.perSecond;
  } else {
    const r = s.h2load
      ? await h2load(url, s.wrk, { seconds, ...s.h2load })
      : await wrk(url, s.wrk, { seconds, connections: settings.connections });
    const problem = wrkProblem(r);
    if (problem) throw new Error(problem);
    value = rps(r);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = (contenderCpu(e.server!) - cpu0) / elapsed;
  const redisCpu = acrossRedis ? ((await redisCpuSeconds()) - redis0) / elapsed : undefined;
  return { value, cpu, clientCpu, redisCpu };
}

/** Run every step for each live entry in `order`, marking an entry failed on its first error. */
async function each(entries: Entry[], step: (e: Entry) => Promise<void>, log: Log): Promise<void> {
  for (const e of entries) {
    if (e.row.status !== "ok") continue;
    try {
      await step(e);
    } catch (error) {
      e.row.status = `failed: ${(error as Error).message}`;
      log(`  ${e.contender.name}: ${e.row.status}`);
    }
  }
}

/**
 * {@link each} for a quick run: every live entry at once. A quick run is a smoke test, not a measurement (its
 * numbers are printed, never compared), and each load runs for a fixed time, so side by side a scenario's
 * contenders take one load's time instead of one each.
 */
async function eachAtOnce(entries: Entry[], step: (e: Entry) => Promise<void>, log: Log): Promise<void> {
  await Promise.all(entries.map((e) => each([e], step, log)));
}

/** Start a contender's server, pinned to the server core when the run pins. */
async function start(c: Contender, s: Scenario, settings: Settings): Promise<Running> {
  const server = await c.start(s);
  if (settings.pinned) for (const pid of processesOf(server)) pinServer(pid);
  return server;
}

/** Stop an entry's server, keeping the highest peak RSS any of its processes reached. */
async function stop(e: Entry): Promise<void> {
  if (!e.server) return;
  if (e.row.status === "ok") {
    // Several processes (workers, instances): their peaks added up.
    const peak = round(processesOf(e.server).reduce((sum, pid) => sum + (peakRss(pid) || 0), 0) / 2 ** 20, 1);
    if (peak !== null) e.row.peakRssMiB = Math.max(e.row.peakRssMiB ?? 0, peak);
  }
  await e.server.stop();
  e.server = undefined;
}

/** Measure `scenario` for `contenders` (control first); one Row each. */
export async function runGroup(
  scenario: Scenario,
  contenders: Contender[],
  settings: Settings,
  ctx: RowContext,
  log: Log,
): Promise<Row[]> {
  const entries: Entry[] = contenders
    .filter((c) => c.supports(scenario) && !(settings.quick && c.fullRunsOnly))
    // The first contender that supports a scenario is its control.
    .map((contender, i) => ({ contender, row: blankRow(contender, scenario, ctx, i === 0), cpu: [], clientCpu: [], redisCpu: [], redisShare: [], perCpu: [] }));

  await Promise.all(entries.map(async (e) => {
    try {
      e.server = await start(e.contender, scenario, settings);
    } catch (error) {
      e.row.status = `not available: did not start (${(error as Error).message})`;
    }
  }));
  for (const e of entries) {
    if (!e.server) continue;
    try {
      await scenario.check(e.server.url);
    } catch (error) {
      const reason = (error as Error).message;
      // A WebSocket contender that refuses the upgrade does not support WebSockets yet.
      e.row.status = scenario.kind === "ws" && /upgrade|ECONNRESET|socket hang up/.test(reason)
        ? `not available: ${reason}`
        : `failed: wrong answer (${reason})`;
    }
    log(`  ${e.contender.name} (${e.row.detail}): ${e.row.status === "ok" ? "answers correctly" : e.row.status}`);
  }

  try {
    if (ctx.hasLoad || scenario.kind === "ws") await measureAll(entries, scenario, settings, log);
  } finally {
    for (const e of entries) await stop(e);
  }
  // Idle sockets never negotiate compression and need one instance: "broadcast" measures them.
  if (scenario.kind === "ws" && scenario.idle && settings.idleConnections > 0) await measureIdle(entries, scenario, settings, log);
  return entries.map((e) => e.row);
}

/** Warm every live entry up; the warm-up does not count. */
async function warmUp(entries: Entry[], s: Scenario, settings: Settings, log: Log): Promise<void> {
  if (settings.warmupSeconds <= 0) return;
  const seconds = Math.max(settings.warmupSeconds, s.warmupSeconds ?? 0);
  await each(entries, (e) => measure(e, s, seconds, settings).then(() => {}), log);
}

/** Fresh processes for a new round: stop every live entry's server and start it again. */
async function restart(entries: Entry[], s: Scenario, settings: Settings, log: Log): Promise<void> {
  await each(entries, async (e) => {
    await stop(e);
    e.server = await start(e.contender, s, settings);
  }, log);
}

async function measureAll(entries: Entry[], s: Scenario, settings: Settings, log: Log): Promise<void> {
  const control = entries[0];
  const ratios = new Map<Entry, number[]>(entries.map((e) => [e, []]));
  const cpuRatios = new Map<Entry, number[]>(entries.map((e) => [e, []]));
  for (let round_ = 0; round_ < settings.pairs; round_++) {
    if (round_ > 0 && settings.freshProcesses) await restart(entries, s, settings, log);
    if (round_ === 0 || settings.freshProcesses) await warmUp(entries, s, settings, log);
    const order = round_ % 2 ? [...entries].reverse() : entries;
    const values = new Map<Entry, number>();
    await (settings.quick ? eachAtOnce : each)(order, async (e) => {
      const { value, cpu, clientCpu, redisCpu } = await measure(e, s, settings.seconds, settings);
      values.set(e, value);
      e.row.rounds.push(Math.round(value));
      e.cpu.push(cpu);
      e.perCpu.push(value / cpu);
      (e.row.roundsPerCpu ??= []).push(Math.round(value / cpu));
      if (clientCpu !== undefined) e.clientCpu.push(clientCpu);
      if (redisCpu !== undefined) (e.redisCpu.push(redisCpu), e.redisShare.push(redisCpu / (cpu + redisCpu)));
    }, log);
    const base = values.get(control);
    const baseCpu = control.perCpu.at(-1);
    for (const [e, value] of values) {
      if (!base || !baseCpu) continue;
      ratios.get(e)!.push(value / base);
      cpuRatios.get(e)!.push(e.perCpu.at(-1)! / baseCpu);
    }
  }
  for (const e of entries) {
    if (e.row.status !== "ok") continue;
    e.row.throughput = Math.round(median(e.row.rounds));
    e.row.ratio = round(median(ratios.get(e)!), 3);
    e.row.cpuRatio = round(median(cpuRatios.get(e)!), 3);
    e.row.serverCpu = round(median(e.cpu), 2);
    if (s.kind === "ws") e.row.clientCpu = round(median(e.clientCpu), 2);
    if (e.redisCpu.length) (e.row.redisCpu = round(median(e.redisCpu), 3), e.row.redisShare = round(median(e.redisShare), 3));
  }

  if (s.kind === "http" && !s.h2load && settings.latencySeconds > 0) {
    await each(entries, async (e) => {
      // Each connection waits `delay` between requests: connections × 1000 / delay ≈ the target rate.
      const connections = 10;
      const delayMs = Math.max(1, Math.round((connections * 1000) / s.latencyRate));
      const r = await wrk(e.server!.url, s.wrk, { seconds: settings.latencySeconds, connections, delayMs });
      const problem = wrkProblem(r);
      if (problem) throw new Error(`latency run: ${problem}`);
      e.row.latencyRate = Math.round(rps(r));
      e.row.p50Ms = round(r.p50Us / 1000, 3);
      e.row.p99Ms = round(r.p99Us / 1000, 3);
    }, log);
  }
  for (const e of entries) {
    const r = e.row;
    if (r.status !== "ok") continue;
    const redis = r.redisCpu === undefined ? "" : `, Redis ${r.redisCpu} cores (${Math.round((r.redisShare ?? 0) * 100)}% of server + Redis)`;
    log(`  ${e.contender.name}: ${r.throughput} ${r.unit}, ratio ${r.ratio ?? "-"} (per CPU-s ${r.cpuRatio ?? "-"}), p99 ${r.p99Ms ?? "-"} ms${redis}`);
  }
}

/** RSS per idle WebSocket on a fresh server per contender. */
async function measureIdle(entries: Entry[], s: Scenario, settings: Settings, log: Log): Promise<void> {
  await (settings.quick ? eachAtOnce : each)(entries, async (e) => {
    e.row.idleConnections = settings.idleConnections;
    let server: Running | undefined;
    try {
      server = await start(e.contender, s, settings);
      const bytes = await idleBytesPerSocket(server.url, server.pid, settings.idleConnections);
      e.row.idleKiBPerSocket = round(bytes / 1024, 2);
      log(`  ${e.contender.name}: ${e.row.idleKiBPerSocket} KiB per idle WebSocket at ${settings.idleConnections}`);
    } catch (error) {
      e.row.idleKiBPerSocket = null;
      log(`  ${e.contender.name}: idle memory not measured (${(error as Error).message})`);
    } finally {
      await server?.stop();
    }
  }, log);
}
