/**
 * Send a file response on Node: a `node:fs` read stream piped straight to
 * the socket, as a `node:http` user would write it. The headers go out
 * once the file is open, so a file that vanished since the lookup still gets
 * a clean 500; a read error after that aborts the connection (never a clean
 * end to a short body). Piping keeps memory flat for a slow client.
 * @module
 */
import { createReadStream } from "node:fs";
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { logRequestError } from "../../src/_log.ts";
import type { FileSlice } from "./_files.ts";

/** Bytes a read takes from the file: the size Node's own file streams settle on for sockets. */
const HIGH_WATER_MARK = 64 * 1024;

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
  return new Promise<void>((resolve) => {
    const stream = createReadStream(file.path, { start: file.start, end: file.end, highWaterMark: HIGH_WATER_MARK });
    stream.once("error", (error) => {
      if (res.headersSent) return;
      logRequestError(error);
      res.writeHead(500, { "content-type": "text/plain;charset=UTF-8", "content-length": "21" });
      res.end("Internal Server Error");
      resolve();
    });
    stream.once("ready", () => {
      res.writeHead(status, statusText || undefined, headers);
      pipeline(stream, res, () => resolve());
    });
  });
}
