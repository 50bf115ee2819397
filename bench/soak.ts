/**
 * `npm run soak -- --runtime node|deno|bun --seconds N [--warmup S] [--out chart.svg] [--runtime-flags="..."]`:
 * mixed load against one omniserve server (bench/_soak-load.ts) while its RSS
 * and open file descriptors are read from /proc every second. Prints a row a
 * second, writes an SVG line chart, and judges the run against the bar:
 * after warm-up (a third of the run) RSS grows under 10% (the median RSS of
 * the second half of the rest against that of the first half, so one GC's
 * sawtooth is not growth), descriptors return to the idle baseline once the
 * load stops, and no request fails. Exits 1 on FAIL. Serves with the
 * compiled CLI (dist/, `npm run build`), as `omniserve serve` does.
 * @module
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { parseRuntime } from "../cli/runtime.ts";
import { startServer } from "../dist/cli/spawn.js";
import { rss } from "./_process.ts";
import { soakChart, type SoakSample } from "./_soak-chart.ts";
import { type Counts, type LoadShape, SHAPE, startLoad } from "./_soak-load.ts";
import { median, sleep } from "./_stats.ts";

const USAGE = "npm run soak -- [--runtime node|deno|bun] [--seconds 60] [--warmup S] [--out bench/results/soak-<runtime>.svg]\n" +
  "  [--only hello,uploads,leavers,sockets]   run only these parts of the load (to find which one grows memory)\n" +
  "  [--runtime-flags=\"--max-semi-space-size=16 ...\"]   flags for the server's runtime (to see what its heap sizing does)";
const RSS_BAR = 0.1;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runtime: { type: "string", default: "node" },
    seconds: { type: "string", default: "60" },
    warmup: { type: "string" },
    out: { type: "string" },
    only: { type: "string" },
    "runtime-flags": { type: "string" },
  },
});
const PARTS = ["hello", "uploads", "leavers", "sockets"] as const;
const only = values.only?.split(",") ?? [...PARTS];
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only: unknown part "${part}" (${USAGE})`);
const shape: LoadShape = { ...SHAPE };
for (const part of PARTS) if (!only.includes(part)) shape[part] = 0;
const runtime = parseRuntime(values.runtime!);
const seconds = Number(values.seconds);
// A third of the run: Node's heap takes about 20 s of this load to reach its working size (measured).
const warmup = values.warmup === undefined ? Math.max(3, Math.round(seconds / 3)) : Number(values.warmup);
if (!(seconds >= 1) || !(warmup >= 0) || warmup + 3 > seconds) throw new Error(`--seconds must be at least --warmup + 3 (${USAGE})`);
const out = resolve(values.out ?? fileURLToPath(new URL(`./results/soak-${runtime}.svg`, import.meta.url)));

const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const MiB = 1024 * 1024;

const runtimeFlags = values["runtime-flags"]?.split(/\s+/).filter(Boolean) ?? [];
const server = await startServer(fileURLToPath(new URL("./apps/soak.ts", import.meta.url)), runtime, { port: 0, hostname: "127.0.0.1", runtimeFlags });
const pid = server.child.pid!;
let code = 1;
try {
  // One client of each kind first, so descriptors a runtime opens once, on first use, are in the baseline.
  const first = await startLoad(server.url, { hello: 1, uploads: 1, leavers: 1, sockets: 2, publishMs: 200 });
  await sleep(1000);
  await first.stop();
  await sleep(1000);
  const baselineFds = fds(pid);
  console.log(`soak on ${runtime}: ${seconds} s of ${shape.hello} keep-alive hello loops, ${shape.uploads} 64 KiB upload loops, ` +
    `${shape.leavers} loops of clients leaving mid-body, ${shape.sockets} WebSocket clients publishing every ${shape.publishMs} ms in one room; ` +
    `warm-up ${warmup} s; idle descriptors ${baselineFds}${runtimeFlags.length ? `; runtime flags ${runtimeFlags.join(" ")}` : ""}`);
  const header = ["t s", "RSS MiB", "fds", "hello/s", "upload/s", "left/s", "ws sent/s", "ws recv/s", "failed"];
  console.log(header.map((h) => h.padStart(10)).join(""));

  const load = await startLoad(server.url, shape);
  const samples: SoakSample[] = [{ t: 0, rssMiB: rss(pid) / MiB, fds: baselineFds }];
  const started = performance.now();
  for (let t = 1; t <= seconds; t++) {
    await sleep(started + t * 1000 - performance.now());
    const c: Counts = load.take();
    const sample = { t, rssMiB: rss(pid) / MiB, fds: fds(pid) };
    samples.push(sample);
    const row = [t, sample.rssMiB.toFixed(1), sample.fds, c.requests, c.uploads, c.left, c.published, c.received, c.failed];
    console.log(row.map((v) => String(v).padStart(10)).join(""));
  }
  await load.stop();

  // Descriptors after the load: give the server up to 10 s to close what the clients left.
  let endFds = fds(pid);
  for (let waited = 0; endFds > baselineFds && waited < 10_000; waited += 250) {
    await sleep(250);
    endFds = fds(pid);
  }
  const measured = samples.filter((s) => s.t > warmup).map((s) => s.rssMiB);
  const afterWarmup = median(measured.slice(0, Math.ceil(measured.length / 2)));
  const atEnd = median(measured.slice(Math.floor(measured.length / 2)));
  samples.push({ t: seconds + 1, rssMiB: rss(pid) / MiB, fds: endFds }); // idle again
  const growth = atEnd / afterWarmup - 1;
  const failed = load.total.failed + first.total.failed;
  const checks = [
    [growth < RSS_BAR, `RSS after warm-up ${afterWarmup.toFixed(1)} MiB, at the end ${atEnd.toFixed(1)} MiB (medians of each half): ` +
      `${(growth * 100).toFixed(1)}% (bar: under ${RSS_BAR * 100}%)`],
    [endFds <= baselineFds, `descriptors: ${baselineFds} idle before, ${endFds} after the load (bar: back to ${baselineFds})`],
    [failed === 0, `failed: ${failed}${load.reasons.length ? ` (${[...first.reasons, ...load.reasons].join("; ")})` : ""} of ` +
      `${load.total.requests} hello, ${load.total.uploads} uploads, ${load.total.published} WebSocket messages sent ` +
      `(${load.total.received} delivered), ${load.total.left} clients left mid-body`],
  ] as const;
  for (const [ok, line] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${line}`);
  const pass = checks.every(([ok]) => ok);
  mkdirSync(dirname(out), { recursive: true });
  const title = `omniserve soak on ${runtime}: ${seconds} s, ${pass ? "PASS" : "FAIL"} (RSS ${(growth * 100).toFixed(1)}%, fds ${baselineFds} → ${endFds}, ${failed} failed)`;
  writeFileSync(out, soakChart(title, samples, warmup));
  console.log(`chart: ${out}`);
  console.log(pass ? "PASS" : "FAIL");
  code = pass ? 0 : 1;
} finally {
  await server.stop();
}
process.exit(code);
