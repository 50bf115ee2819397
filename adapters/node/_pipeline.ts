/**
 * Pipelined HTTP/1.1 requests on Node: besides the response being sent, at
 * most {@link DEPTH} handlers run at once on one connection, later requests
 * wait unstarted, and the connection reads no more while any wait. Node's own guard pauses reading only once
 * queued responses hold bytes, and omniserve's handlers write after the read
 * that brought their requests was parsed whole: a client that sent 96,000
 * requests for 64 KiB and read nothing took Node's memory from 87 to 407 MiB
 * (Deno stayed at 65; Bun closes such a connection).
 *
 * The pause is Node's own (`socket._paused`, which its parser and its
 * 'resume' guard honour, as its guard sets it); Node lifts it when the
 * connection's writes drain, so a 'resume' listener puts it back while
 * requests still wait, and the last one to start lifts it as Node does.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Handlers of queued responses running at once on one connection: pipelining clients rarely go deeper (wrk's examples use 16). */
const DEPTH = 16;

/** Node's internals the pause goes through, as its own `socketOnDrain` does. */
type HttpSocket = Socket & { _paused?: boolean; parser?: { resume(): void } | null };

interface Line {
  running: number;
  waiting: (() => void)[];
}

const lines: WeakMap<Socket, Line> = new WeakMap();

/**
 * Run `start` for this request now, or once fewer than {@link DEPTH} responses queued behind the one being
 * sent on its connection are unfinished.
 */
export function inLine(req: IncomingMessage, res: ServerResponse, start: () => void): void {
  // First in line, Node gave the response the socket: no request before it is unanswered. The common case
  // (no pipelining) costs this one check.
  if (res.socket !== null) return start();
  const socket = req.socket as HttpSocket;
  let line = lines.get(socket);
  if (line === undefined) {
    const created: Line = line = { running: 0, waiting: [] };
    lines.set(socket, created);
    socket.on("resume", () => {
      if (created.waiting.length > 0) pause(socket);
    });
  }
  if (line.running < DEPTH) return run(line, socket, res, start);
  line.waiting.push(() => run(line, socket, res, start));
  pause(socket);
}

function run(line: Line, socket: HttpSocket, res: ServerResponse, start: () => void): void {
  line.running++;
  res.once("close", () => {
    line.running--;
    // A client that left gets no more answers: the requests still waiting are dropped unstarted.
    if (socket.destroyed) line.waiting.length = 0;
    const next = line.waiting.shift();
    if (next === undefined) return;
    next();
    if (line.waiting.length === 0 && socket._paused) {
      socket._paused = false;
      socket.parser?.resume();
      socket.resume();
    }
  });
  start();
}

function pause(socket: HttpSocket): void {
  socket._paused = true;
  socket.pause();
}
