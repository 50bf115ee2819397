/**
 * The HTTP conformance suite: every case is written once and runs on node,
 * deno and bun against the fixture app, over a real socket. A runtime that
 * cannot match a case is listed in test/support/exceptions.ts with the reason, and
 * the case asserts the documented behaviour there instead.
 */
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { describe, test } from "vitest";
import type { SpawnedServer } from "../../dist/cli/spawn.js";
import type { Runtime } from "../../src/types.ts";
import { alongside } from "../support/alongside.ts";
import { applies, type ExceptionName } from "../support/exceptions.ts";
import { testCertificate } from "../support/cert.ts";
import { exchange, type Exchange, type ExchangeOptions } from "../support/http-client.ts";
import { exchangeH2, fetchH2 } from "../support/h2-client.ts";
import { servedBy, startLocal } from "../support/served.ts";
import { h2Cases } from "./h2.ts";
import { bodies } from "./bodies.ts";
import { compression } from "./compress.ts";
import { earlyResponses } from "./early.ts";
import { errors } from "./errors.ts";
import { heads } from "./heads.ts";
import { logging } from "./logging.ts";
import { requests } from "./requests.ts";
import { responses } from "./responses.ts";
import { server } from "./server.ts";
import { signal } from "./signal.ts";
import { slowClients } from "./slow.ts";
import { wire } from "./wire.ts";
import { staticFiles } from "./static.ts";
import { staticSafety } from "./static-safety.ts";

/**
 * What the suite speaks to the server: HTTP/1.1 over plain TCP, HTTP/2 over
 * TLS (the server started with `--cert`/`--key`, the client offering only h2
 * by ALPN), or cleartext HTTP/2 with prior knowledge (h2c).
 */
export type Protocol = "http/1.1" | "h2" | "h2c";

/** What every group of cases gets: the running fixture and the runtime's exceptions. */
export interface Suite {
  runtime: Runtime;
  protocol: Protocol;
  /** `http://host:port` of the fixture server (`https://` over h2). */
  url(): string;
  /**
   * Send a raw HTTP/1.1 request and collect the answer: on the wire as written
   * over HTTP/1.1, translated into one HTTP/2 stream over h2 and h2c.
   */
  exchange(url: string, request: string | Buffer | (string | Buffer)[], options?: ExchangeOptions): Promise<Exchange>;
  /** `fetch()` over the suite's protocol. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * `test` for a case about HTTP/1.1's own wire framing (pipelining, chunked
   * framing, Connection, absolute-form targets, the 100 status line, raw
   * socket behaviour): registered, and visibly skipped, over HTTP/2, where
   * test/http/h2.ts has the HTTP/2 counterparts.
   */
  http1Only: typeof test;
  /** `test` for a case about HTTP/2's own framing of a behaviour whose HTTP/1.1 case is `http1Only`: skipped over HTTP/1.1. */
  http2Only: typeof test;
  /** curl's flags for the suite's protocol (and the test CA over TLS): put them before the URL. */
  curl(): string[];
  /** The test CA over h2 (TLS); undefined otherwise. */
  ca(): string | undefined;
  /** A connected socket to the fixture: TLS offering `alpn` over h2, plain TCP otherwise. */
  rawSocket(alpn?: string[]): Promise<Duplex>;
  server(): SpawnedServer;
  /** Serve `module` the way this suite serves (one process, or `--workers N`) on a free port, with `env` added. */
  start(module: string, env?: Record<string, string>): Promise<SpawnedServer>;
  exception(name: ExceptionName<"http">): boolean;
  sleep(ms: number): Promise<void>;
}


/**
 * Register every HTTP conformance case for `runtime`; with `workers`, served by `omniserve serve --workers N`.
 * Two or more registrations in one file run alongside each other, each against its own server, each one's
 * cases in order.
 */
export function conformance(runtime: Runtime, workers = 1, protocol: Protocol = "http/1.1"): void {
  const over = protocol === "http/1.1" ? "" : ` over ${protocol === "h2" ? "h2 (TLS)" : "h2c"}`;
  alongside(describe(`conformance on ${runtime}${workers > 1 ? ` with ${workers} workers` : ""}${over}`, () => {
    let ca: string | undefined;
    let caFile: string | undefined;
    const start = async (module: string, env?: Record<string, string>) => {
      const tls = protocol === "h2" ? await testCertificate() : undefined;
      ca = tls?.ca;
      caFile = tls?.certFile;
      // The fixture fetches its own URL (/request/forward): the server process trusts the test CA too.
      const trust: Record<string, string> = tls ? { NODE_EXTRA_CA_CERTS: tls.certFile, DENO_CERT: tls.certFile } : {};
      return startLocal(module, runtime, { workers, env: { ...trust, ...env }, certFile: tls?.certFile, keyFile: tls?.keyFile });
    };
    const spawned = servedBy(() => start("test/fixture/http-app.ts"));
    const suite: Suite = {
      runtime,
      protocol,
      url: () => spawned().url,
      exchange: protocol === "http/1.1" ? exchange : (url, request, options) => exchangeH2(url, request, options, ca),
      fetch: protocol === "http/1.1" ? fetch : (input, init) => fetchH2(input, init, ca),
      ca: () => ca,
      curl: () =>
        protocol === "h2" ? ["--http2", "--cacert", caFile!] : protocol === "h2c" ? ["--http2-prior-knowledge"] : ["--http1.1"],
      rawSocket: (alpn) => {
        const { hostname, port } = new URL(spawned().url);
        return new Promise((resolve, reject) => {
          const socket = protocol === "h2"
            ? tls.connect({ host: hostname, port: Number(port), ca, ALPNProtocols: alpn }, () => resolve(socket))
            : net.connect(Number(port), hostname, () => resolve(socket));
          socket.once("error", reject);
        });
      },
      http1Only: test.skipIf(protocol !== "http/1.1") as typeof test,
      http2Only: test.skipIf(protocol === "http/1.1") as typeof test,
      server: spawned,
      start,
      exception: (name) => applies(name, runtime),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    responses(suite);
    requests(suite);
    bodies(suite);
    errors(suite);
    heads(suite);
    earlyResponses(suite);
    logging(suite);
    slowClients(suite);
    signal(suite);
    server(suite);
    wire(suite);
    staticFiles(suite);
    staticSafety(suite);
    compression(suite);
    if (protocol !== "http/1.1") h2Cases(suite);
  }));
}
