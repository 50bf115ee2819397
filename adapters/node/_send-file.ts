/**
 * Send a file response on Node: a `node:fs` read stream piped straight to
 * the socket, as a `node:http` user writes it. The file is opened first,
 * synchronously (microseconds on a local disk, as nginx does; an async open
 * cost a thread-pool trip per request, measured) and non-blocking (a FIFO in
 * the file's place would wait for a writer). A file gone by now (removed, a
 * folder or a dangling symlink in its place, unreadable) gets serveStatic()'s
 * 404 and nothing logged: serveStatic() checks it only when another answer
 * depends on it (FileInit.fallback), so this covers the whole time from its
 * lookup, middleware included. A read error, or a file cut short, after the
 * head aborts the connection (never a clean end to a short body).
 * Piping keeps memory flat for a slow client.
 * @module
 */
import { closeSync, constants, createReadStream, fstatSync, openSync } from "node:fs";
import { type ServerResponse, STATUS_CODES } from "node:http";
import { abortResponse, writeHead, writeWhole } from "./_response-head.ts";
import { logRequestError } from "../../src/_log.ts";
import type { FileSlice } from "./_files.ts";
import { isUnopenable } from "../../src/static/_files.ts";

/**
 * Bytes a read takes from the file: four times Node's default, so a 1 MiB
 * file takes 4 thread-pool trips instead of 16 (each trip, a wake-up and two
 * context switches, cost more CPU than its read on a loaded machine:
 * measured with per-thread CPU and --cpu-prof, bench/README.md). Reading
 * synchronously on the event loop measured cheaper still, but under load
 * left some responses waiting over 2 s (wrk timeouts), so reads stay off it.
 */
const HIGH_WATER_MARK = 256 * 1024;

export function sendFile(
  res: ServerResponse,
  status: number,
  headers: string[],
  file: FileSlice,
  isHead: boolean,
): void | Promise<void> {
  if (isHead) {
    writeWhole(res, status, headers, null);
    return;
  }
  let fd: number;
  try {
    fd = openSync(file.path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (isUnopenable(error)) return plain(res, 404);
    logRequestError(error);
    return plain(res, 500); // internalError()'s answer
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    return plain(res, 404);
  }
  const stream = createReadStream("", { fd, start: file.start, end: file.end, highWaterMark: HIGH_WATER_MARK });
  writeHead(res, status, headers);
  return new Promise<void>((resolve) => {
    stream.once("error", (error) => {
      logRequestError(error);
      abortResponse(res); // the head is out: abort rather than end a short body cleanly
    });
    // A file cut shorter since the lookup ends the read early, with no error: the body is short of its
    // Content-Length, and a clean end would leave the client waiting for the rest (or, on a keep-alive
    // connection, reading the next response as this one's body). Abort instead, as Deno's server does.
    stream.once("end", () => {
      if (stream.bytesRead < file.end - file.start + 1) abortResponse(res);
      else res.end();
    });
    res.once("close", () => {
      stream.destroy(); // closes the file, also when the client left early
      resolve();
    });
    stream.pipe(res, { end: false });
  });
}

/**
 * The plain-text answer whose text is the status's reason phrase: serveStatic()'s 404 for a file gone by now
 * (fileNotFound(), a GET's: a HEAD never opens the file), and internalError()'s 500.
 */
function plain(res: ServerResponse, status: 404 | 500): void {
  const text = STATUS_CODES[status]!;
  writeWhole(res, status, ["content-type", "text/plain;charset=UTF-8", "content-length", String(text.length)], text);
}
