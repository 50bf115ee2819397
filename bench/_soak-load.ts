/**
 * The soak's mixed load, from this process: keep-alive hello, 64 KiB uploads,
 * clients that leave mid-body, and WebSocket clients publishing in one room.
 * Counts what was done each second and every failure (a client that leaves
 * on purpose is not one).
 * @module
 */
import http from "node:http";
import net from "node:net";
import WebSocket from "ws";

export interface LoadShape {
  /** Concurrent keep-alive hello loops. */
  hello: number;
  /** Concurrent upload loops, each posting 64 KiB at a time. */
  uploads: number;
  /** Concurrent loops of a client that sends half a 64 KiB body and leaves. */
  leavers: number;
  /** WebSocket clients in the room. */
  sockets: number;
  /** How often each WebSocket client publishes, in ms. */
  publishMs: number;
}

export const SHAPE: LoadShape = { hello: 8, uploads: 2, leavers: 2, sockets: 50, publishMs: 1000 };

export interface Counts {
  requests: number;
  uploads: number;
  left: number;
  published: number;
  received: number;
  failed: number;
}

const UPLOAD = Buffer.alloc(64 * 1024, "x");
const zero = (): Counts => ({ requests: 0, uploads: 0, left: 0, published: 0, received: 0, failed: 0 });

/** A running load: `take()` returns the counts since the last call; `stop()` ends it and closes every connection. */
export interface Load {
  take(): Counts;
  total: Counts;
  /** The first few failures, to say what failed. */
  reasons: string[];
  stop(): Promise<void>;
}

/** Start `shape` against the server at `url` (http://host:port). */
export async function startLoad(url: string, shape: LoadShape = SHAPE): Promise<Load> {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: shape.hello + shape.uploads });
  let now = zero();
  const total = zero();
  const reasons: string[] = [];
  let running = true;
  const count = (key: keyof Counts, n = 1): void => {
    now[key] += n;
    total[key] += n;
  };
  const fail = (why: string): void => {
    count("failed");
    if (reasons.length < 5) reasons.push(why);
  };

  const request = (method: string, body?: Buffer): Promise<void> =>
    new Promise((resolve) => {
      const req = http.request({ hostname, port, path: "/", method, agent, headers: body ? { "content-length": body.length } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          const expected = body ? String(body.length) : "hello";
          if (res.statusCode === 200 && text === expected) count(body ? "uploads" : "requests");
          else fail(`${method} answered ${res.statusCode} ${text.slice(0, 40)}`);
          resolve();
        });
        res.on("error", (e) => (fail(`${method} response: ${e.message}`), resolve()));
      });
      req.on("error", (e) => {
        if (running) fail(`${method}: ${e.message}`);
        resolve();
      });
      req.end(body);
    });

  const leave = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(`POST /upload HTTP/1.1\r\nhost: ${hostname}\r\ncontent-length: ${UPLOAD.length}\r\n\r\n`);
        socket.write(UPLOAD.subarray(0, UPLOAD.length / 2), () => {
          socket.destroy();
          count("left");
          setTimeout(resolve, 20);
        });
      });
      socket.on("error", () => resolve());
    });

  const loop = async (step: () => Promise<void>): Promise<void> => {
    while (running) await step();
  };
  const loops = [
    ...Array.from({ length: shape.hello }, () => loop(() => request("GET"))),
    ...Array.from({ length: shape.uploads }, () => loop(() => request("POST", UPLOAD))),
    ...Array.from({ length: shape.leavers }, () => loop(leave)),
  ];

  const wsUrl = url.replace(/^http/, "ws") + "/";
  const sockets = await Promise.all(Array.from({ length: shape.sockets }, (_, i) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
      ws.on("message", () => count("received"));
      ws.on("close", (code) => running && fail(`WebSocket ${i} closed with ${code}`));
    })
  ));
  const timers = sockets.map((ws, i) =>
    setTimeout(() => {
      const timer = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(`message from ${i}`);
        count("published");
      }, shape.publishMs);
      timers[i] = timer;
    }, (shape.publishMs * i) / shape.sockets) as NodeJS.Timeout
  );

  return {
    total,
    reasons,
    take() {
      const taken = now;
      now = zero();
      return taken;
    },
    async stop() {
      running = false;
      timers.forEach((t) => (clearTimeout(t), clearInterval(t)));
      await Promise.all(loops);
      await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close(1000);
        setTimeout(() => (ws.terminate(), resolve()), 2000);
      })));
      agent.destroy();
    },
  };
}
