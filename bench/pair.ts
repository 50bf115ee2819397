/**
 * Two servers side by side, for a ratio that holds on a busy machine: both
 * pinned to the server CPU, both loaded at the same time by one h2load each
 * (on the load CPU), CPU per request read from /proc, the ratio B ÷ A taken
 * per round and its median reported. Both suffer the same interference, so the
 * ratio holds where absolute figures do not (two copies of one server gave
 * 0.96-1.15, median 1.04, over 8 rounds on a loaded machine). A tool for
 * finding where a cost is, not a bar: bars come from `npm run bench` and
 * `npm run bench:pool`.
 *
 *   npm run bench:pair -- [--requests N] [--rounds N] [--body FILE] [--h1] [--clients N] [--streams N] \
 *     'raw=node --import tsx bench/servers/node-raw-tls.ts bench/apps/upload.ts h2-upload cert.pem key.pem' \
 *     'omniserve=node bin/omniserve.js serve bench/apps/upload.ts -p 0 --cert cert.pem --key key.pem'
 *
 * Each command is split on spaces and must print a ready line (`listening on
 * http(s)://host:port`). Without `--h1` the load is HTTP/2 (h2 by ALPN over
 * TLS, or h2c by prior knowledge); with it, HTTP/1.1 on `--clients`
 * connections, one request at a time each.
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import { parseArgs } from "node:util";
import { pinLoad, pinServer } from "./_pin.ts";
import { contenderCpu, processesOf, type Running, spawnServer } from "./_process.ts";
import { median } from "./_stats.ts";

interface Side {
  name: string;
  server: Running;
  /** CPU µs per request, one entry per round. */
  perRequest: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "3000" },
    rounds: { type: "string", default: "10" },
    body: { type: "string" },
    h1: { type: "boolean", default: false },
    clients: { type: "string" },
    streams: { type: "string", default: "10" },
  },
});
if (positionals.length !== 2 || !positionals.every((p) => /^[\w.@/-]+=\S/.test(p))) {
  process.stderr.write("bench:pair: give two servers as name=command (see bench/pair.ts)\n");
  process.exit(1);
}
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const clients = values.clients ?? (values.h1 ? "64" : "16");

function load(url: string): Promise<void> {
  const args = ["-t1", `-c${clients}`, `-m${values.h1 ? 1 : values.streams}`, "-n", String(requests)];
  if (values.body) args.push("-d", values.body);
  if (values.h1) args.push("--h1");
  return new Promise((resolve, reject) => {
    execFile("h2load", [...args, `${url}/`], (error, stdout) => {
      const done = /(\d+) succeeded/.exec(stdout);
      if (error || !done || Number(done[1]) !== requests) reject(new Error(`h2load against ${url}: ${error?.message ?? stdout.trim().split("\n").pop()}`));
      else resolve();
    });
  });
}

pinLoad();
const sides: Side[] = [];
try {
  for (const spec of positionals) {
    const at = spec.indexOf("=");
    const server = await spawnServer(spec.slice(at + 1).split(" "));
    for (const pid of processesOf(server)) pinServer(pid);
    sides.push({ name: spec.slice(0, at), server, perRequest: [] });
  }
  await Promise.all(sides.map((s) => load(s.server.url))); // warm-up
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = sides.map((s) => contenderCpu(s.server));
    await Promise.all(sides.map((s) => load(s.server.url)));
    sides.forEach((s, i) => s.perRequest.push(((contenderCpu(s.server) - before[i]) * 1e6) / requests));
    ratios.push(sides[1].perRequest[round] / sides[0].perRequest[round]);
    const figures = sides.map((s) => `${s.name} ${s.perRequest[round].toFixed(1)}`).join(", ");
    process.stdout.write(`round ${round + 1}: ${figures} µs CPU per request; ratio ${ratios[round].toFixed(3)}\n`);
  }
  const spread = `${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`;
  process.stdout.write(`${sides[1].name} ÷ ${sides[0].name}, CPU per request: median ${median(ratios).toFixed(3)} (${spread}, ${rounds} rounds)\n`);
} finally {
  await Promise.all(sides.map((s) => s.server.stop()));
}
