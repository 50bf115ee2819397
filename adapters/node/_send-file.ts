/**
 * Send a file response on Node: the file read synchronously, a chunk at a
 * time, and each chunk written to the socket, waiting for `drain` when the
 * socket's buffer is full (memory stays flat for a slow client). Reads are
 * synchronous as nginx's are: on a local disk a 256 KiB read from the page
 * cache takes tens of microseconds, less than the thread-pool trip a
 * `node:fs` read stream makes for every 64 KiB (a wake-up and two context
 * switches each, which cost more CPU than the read itself on a loaded
 * machine: measured with per-thread CPU and --cpu-prof, bench/README.md).
 * The file is opened first, so a file that vanished since the lookup still
 * gets a clean 500; a read error after the head aborts the connection (never
 * a clean end to a short body).
 * @module
 */
import { Buffer } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { logRequestError } from "../../src/_log.ts";
import type { FileSlice } from "./_files.ts";

/** Bytes one read takes from the file (and one write gives the socket). */
const CHUNK = 64 * 1024;

export function sendFile(
  res: ServerResponse,
  status: number,
  statusText: string,
  headers: string[],
  file: FileSlice,
  isHead: boolean,
): void | Promise<void> {
  if (isHead) {
    res.writeHead(status, statusText || undefined, headers);
    res.end();
    return;
  }
  let fd: number;
  try {
    fd = openSync(file.path, "r");
  } catch (error) {
    logRequestError(error);
    res.writeHead(500, { "content-type": "text/plain;charset=UTF-8", "content-length": "21" });
    res.end("Internal Server Error");
    return;
  }
  res.writeHead(status, statusText || undefined, headers);
  return new Promise<void>((resolve) => {
    let position = file.start;
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    };
    const fail = (error?: unknown) => {
      if (error) logRequestError(error);
      close();
      res.destroy(); // the head is out: abort rather than end a short body cleanly
    };
    // One chunk per turn of the event loop, so that every response in flight moves in turn.
    const pump = (): void => {
      if (open && position <= file.end) {
        const length = Math.min(CHUNK, file.end + 1 - position);
        // A fresh buffer per chunk: the socket may still hold the last one.
        const chunk = Buffer.allocUnsafeSlow(length);
        let read: number;
        try {
          read = readSync(fd, chunk, 0, length, position);
        } catch (error) {
          return fail(error);
        }
        if (read === 0) return fail(new Error(`${file.path} ended ${file.end + 1 - position} bytes early`));
        position += read;
        const more = position <= file.end;
        if (!res.write(read === length ? chunk : chunk.subarray(0, read)) && more) return void res.once("drain", pump);
        if (more) return void setImmediate(pump);
      }
      if (!open) return;
      close();
      res.end();
    };
    res.once("close", () => {
      close(); // also when the client left early
      resolve();
    });
    pump();
  });
}
