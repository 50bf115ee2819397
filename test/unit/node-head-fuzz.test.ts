/**
 * Differential fuzz test of the Node adapter's request-head checks
 * (adapters/node/_head.ts) against Node's own parser: 2,000 seeded random
 * heads (Host missing, repeated, empty or padded, names in any case and
 * look-alike names of the same length; Content-Length and Transfer-Encoding
 * repeated, with codings in any order; absolute-form targets) go over a
 * socket to a raw node:http server with the adapter's parser options and to
 * omniserve's Node adapter. Where Node's parser refuses a head, omniserve
 * gives the same status; where Node accepts it, omniserve answers 400
 * exactly when RFC 9112 says so of the fields as Node parsed them
 * (`req.headersDistinct`: more than one Host, an empty Host in origin form,
 * a Transfer-Encoding that is not `chunked` alone, src/_transfer-encoding.ts),
 * and runs the handler otherwise. Node only: it tests the Node adapter.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { serve } from "../../adapters/node/index.ts";
import { exchange } from "../support/http-client.ts";
import { prng } from "../support/prng.ts";

const SEED = 0x68656164;
const HEADS = 2_000;
/** Heads in flight at once, per server. */
const PARALLEL = 16;

// Look-alikes have the length of the real name, which is how the adapter's scan picks candidates.
const HOST_NAMES = ["Host", "host", "HOST", "hOsT", "Hosx"];
const HOST_VALUES = ["a.example", "", "b.example:8080", " a.example ", "a.example\t"];
const LENGTH_NAMES = ["Content-Length", "content-length", "CONTENT-LENGTH", "Content-Lengtx"];
const LENGTH_VALUES = ["0", "3", "5", " 3 ", "abc", "-1", "3, 3"];
const CODING_NAMES = ["Transfer-Encoding", "transfer-encoding", "TRANSFER-ENCODING", "Transfer-Encodinx"];
const CODING_VALUES = ["chunked", "gzip", "gzip, chunked", "chunked, gzip", "identity", "CHUNKED", "chunked ", "", "gzip,chunked"];
const TARGETS = ["/x", "/x?y=1", "http://a.example/x", "*"];

/** One random request: its head and a body framed by its last Transfer-Encoding or Content-Length. */
function randomRequest(rnd: () => number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  const fields: [string, string][] = [];
  const add = (names: string[], values: string[], most: number) => {
    for (let n = Math.floor(rnd() * (most + 1)); n > 0; n--) fields.push([pick(names), pick(values)]);
  };
  add(HOST_NAMES, HOST_VALUES, 3);
  if (rnd() < 0.15) fields.length = 0; // now and then no Host at all
  add(LENGTH_NAMES, LENGTH_VALUES, 2);
  add(CODING_NAMES, CODING_VALUES, 2);
  if (rnd() < 0.5) fields.push(["X-Other", pick(["1", "", "host"])]);
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [fields[i], fields[j]] = [fields[j], fields[i]];
  }
  const method = pick(["GET", "POST", "OPTIONS"]);
  const target = method === "OPTIONS" ? pick(TARGETS) : pick(TARGETS.slice(0, 3));
  const codings = fields.filter(([n]) => n.toLowerCase() === "transfer-encoding").map(([, v]) => v).join(",");
  const length = fields.find(([n]) => n.toLowerCase() === "content-length")?.[1].trim();
  const body = /chunked[\s,]*$/i.test(codings) ? "3\r\nabc\r\n0\r\n\r\n" : /^\d+$/.test(length ?? "") ? "x".repeat(Number(length)) : "";
  return `${method} ${target} HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}Connection: close\r\n\r\n${body}`;
}

/** RFC 9112's verdict on a head Node's parser accepted, from Node's own view of its fields. */
function rfcStatus(req: http.IncomingMessage): number {
  const hosts = req.headersDistinct.host ?? [];
  const codings = req.headersDistinct["transfer-encoding"]?.join(", ");
  const originForm = req.url!.startsWith("/") || req.url === "*";
  if (hosts.length > 1 || (hosts[0] === "" && originForm)) return 400; // RFC 9112 3.2
  // RFC 9112 6.3, and no coding beside chunked, not even an empty list element (omniserve's rule on every runtime).
  if (codings !== undefined && codings.trim().toLowerCase() !== "chunked") return 400;
  return 200;
}

let raw: http.Server;
let rawUrl: string;
let ours: ReturnType<typeof serve>;

beforeAll(async () => {
  // The adapter's parser options: Node's refusals are then the same on both servers.
  raw = http.createServer({ requireHostHeader: true }, (req, res) => {
    req.resume();
    req.on("end", () => res.end(String(rfcStatus(req))));
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  // The adapter logs each refused head; 2,000 of them would bury the test output.
  vi.spyOn(console, "error").mockImplementation(() => {});
  ours = serve({ port: 0, hostname: "127.0.0.1", silent: true, overrideGlobalObjects: false, fetch: () => new Response("ok") });
  await ours.ready();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await ours?.stop(true);
  await new Promise((resolve) => raw?.close(resolve));
});

/** What a server answered: its status and body, or how the connection ended without one. */
async function answer(url: string, request: string): Promise<{ status: string; body: string }> {
  const got = await exchange(url, request, { timeoutMs: 5_000 });
  const res = got.responses[0];
  return res ? { status: String(res.status), body: res.body.toString() } : { status: got.reset ? "reset" : "closed", body: "" };
}

describe("the Node adapter's head checks against Node's parser", () => {
  test("omniserve on Node gives Node's refusals, and RFC 9112's 400 on what Node accepts, for 2,000 seeded random heads", async () => {
    const rnd = prng(SEED);
    const requests = Array.from({ length: HEADS }, () => randomRequest(rnd));
    const verdicts = new Map<string, number>();
    const differ: string[] = [];
    for (let at = 0; at < requests.length; at += PARALLEL) {
      await Promise.all(requests.slice(at, at + PARALLEL).map(async (request, i) => {
        const [node, omniserve] = await Promise.all([answer(rawUrl, request), answer(ours.url, request)]);
        // Node's handler answers 200 with RFC 9112's verdict as the body; any other answer is Node's parser's.
        const expected = node.status === "200" ? node.body : node.status;
        const kind = node.status === "200" ? `accepted, rfc ${expected}` : `node ${node.status}`;
        verdicts.set(kind, (verdicts.get(kind) ?? 0) + 1);
        if (omniserve.status !== expected && differ.length < 5) {
          differ.push(`head ${at + i}: node ${node.status} (expected ${expected}), omniserve ${omniserve.status}\n${JSON.stringify(request)}`);
        }
      }));
    }
    expect(differ).toEqual([]);
    if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries([...verdicts].sort()));
    // The generator reaches every verdict, so agreeing means something.
    for (const kind of ["accepted, rfc 200", "accepted, rfc 400", "node 400"]) {
      expect(verdicts.get(kind) ?? 0, kind).toBeGreaterThan(100);
    }
  }, 180_000);
});
