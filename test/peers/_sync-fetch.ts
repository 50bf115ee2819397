/**
 * A blocking HTTP request, for reading a value that lives in the server process where a peer's case reads a
 * plain variable synchronously (hono's `aborted` flags). A worker thread does the fetch while this thread
 * waits on a shared buffer; the answer's text comes back through it. Only for a few small answers in tests.
 * @module
 */
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ url, method, state, bytes }) => {
  let text;
  try {
    const response = await fetch(url, { method });
    text = (response.ok ? "" : "!" + response.status + " ") + (await response.text());
  } catch (error) {
    text = "!" + error;
  }
  const written = new TextEncoder().encodeInto(text, new Uint8Array(bytes)).written;
  Atomics.store(state, 1, written);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

let worker: Worker | undefined;

/** The text of `method url`'s answer; throws for a failed request or a status other than 2xx. */
export function fetchTextSync(url: string, method = "GET", timeoutMs = 10_000): string {
  if (!worker) {
    worker = new Worker(WORKER, { eval: true });
    worker.unref();
  }
  const state = new Int32Array(new SharedArrayBuffer(8));
  const bytes = new SharedArrayBuffer(4096);
  worker.postMessage({ url, method, state, bytes });
  if (Atomics.wait(state, 0, 0, timeoutMs) === "timed-out") throw new Error(`${method} ${url}: no answer within ${timeoutMs} ms`);
  const text = new TextDecoder().decode(new Uint8Array(bytes, 0, state[1]));
  if (text.startsWith("!")) throw new Error(`${method} ${url}: ${text.slice(1)}`);
  return text;
}
