/**
 * `npm run bench:pair`: two servers side by side (bench/_pair.ts), for a
 * ratio that holds on a busy machine. A tool for finding where a cost is; the
 * bars come from `npm run bench` and `npm run bench:pool`, and the workers
 * bar from `npm run bench:workers`.
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
import process from "node:process";
import { parseArgs } from "node:util";
import { type PairSide, runPair, spread } from "./_pair.ts";
import { pinLoad } from "./_pin.ts";

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
const sides = positionals.map((spec): PairSide => {
  const at = spec.indexOf("=");
  return { name: spec.slice(0, at), argv: spec.slice(at + 1).split(" ") };
}) as [PairSide, PairSide];

pinLoad();
const result = await runPair(sides, {
  requests: Number(values.requests),
  rounds: Number(values.rounds),
  body: values.body,
  h1: values.h1!,
  clients: Number(values.clients ?? (values.h1 ? 64 : 16)),
  streams: Number(values.streams),
}, (round, figures) => {
  const named = sides.map((s, i) => `${s.name} ${figures[i].toFixed(1)}`).join(", ");
  process.stdout.write(`round ${round + 1}: ${named} µs CPU per request; ratio ${(figures[1] / figures[0]).toFixed(3)}\n`);
});
process.stdout.write(`${sides[1].name} ÷ ${sides[0].name}, CPU per request: ${spread(result)}\n`);
