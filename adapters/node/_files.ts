/**
 * Files on Node: lookups with `node:fs`, and file responses the sender
 * writes as a file stream piped straight to the socket (_send-file.ts), with
 * no web stream in between. Each such response is still a real Response
 * with a readable body (read lazily from the file), so it works wherever a
 * Response goes: middleware, hono, another server.
 * @module
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, realpathSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { type FileHost, nodeFinder, nodeOpens } from "../../src/static/_files.ts";
import { FastResponse } from "./_response.ts";

/** A byte range of a file, for the sender. */
export interface FileSlice {
  path: string;
  start: number;
  end: number;
}

/** What the sender writes for a file response. */
export interface FileParts {
  slice: FileSlice;
  status: number;
  headers: HeadersInit | undefined;
}

/** File responses, and the file each one sends. */
const slices = new WeakMap<Response, FileSlice>();

/**
 * The file, status and headers `response` sends, when it is a file response
 * whose body nobody has touched. The light Response gives its headers as
 * built (a list from serveStatic), or as changed by middleware.
 */
export function fileParts(response: Response): FileParts | undefined {
  const slice = slices.get(response);
  if (!slice) return undefined;
  if (FastResponse.isFast(response)) {
    const parts = response._stream(); // undefined once the body was read
    return parts && { slice, status: parts.status, headers: parts.headers };
  }
  if (response.bodyUsed || response.body?.locked) return undefined;
  return { slice, status: response.status, headers: response.headers };
}

const opens = nodeOpens({ openSync, fstatSync, closeSync, constants });

export const nodeFiles: FileHost = {
  find: nodeFinder({ realpathSync, statSync, lstatSync }),
  respond({ real }, start, end, init) {
    // With another answer than the 404, checked while serveStatic() can still give it (FileInit.fallback);
    // else the sender answers a file gone by the time it opens it with the same 404 (_send-file.ts).
    if (init.fallback && !opens(real)) return undefined;
    // The global Response: the light one while an omniserve server runs, else the native one.
    const response = new Response(fileStream(real, start, end), init);
    slices.set(response, { path: real, start, end });
    return response;
  },
};

const CHUNK = 64 * 1024;

/** Bytes `start` to `end` of a file as a web stream, opened on the first read. */
function fileStream(path: string, start: number, end: number): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  let position = start;
  const close = () => handle?.close().catch(() => {});
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        handle ??= await open(path, "r");
        const length = Math.min(CHUNK, end + 1 - position);
        const { bytesRead, buffer } = length > 0 ? await handle.read(new Uint8Array(length), 0, length, position) : { bytesRead: 0, buffer: undefined };
        if (bytesRead === 0) {
          close();
          // Short of `end`: the file was cut since the lookup; an error, so the body never ends cleanly short.
          if (position <= end) controller.error(new Error(`${path} ended at byte ${position}, before byte ${end}: cut since it was looked up`));
          else controller.close();
          return;
        }
        position += bytesRead;
        controller.enqueue(buffer!.subarray(0, bytesRead));
      } catch (error) {
        close();
        throw error;
      }
    },
    cancel: close,
  }, { highWaterMark: 0 });
}
