/**
 * Files on Node: lookups with `node:fs`, and file responses the sender
 * writes as a file stream piped straight to the socket (_send-file.ts), with
 * no web stream in between. Each such response is still a real Response
 * with a readable body (read lazily from the file), so it works wherever a
 * Response goes: middleware, hono, another server.
 * @module
 */
import { realpathSync, statSync } from "node:fs";
import { open, realpath, stat, type FileHandle } from "node:fs/promises";
import { type FileHost, lookups, nodeFsCalls } from "../../src/static/_files.ts";

/** The platform's Response, captured at import, before a server installs the light one. */
const NativeResponse: typeof Response = globalThis.Response;

/** A byte range of a file, for the sender. */
export interface FileSlice {
  path: string;
  start: number;
  end: number;
}

/** File responses not yet read, and the file each one sends. */
const slices = new WeakMap<Response, FileSlice>();

/** The file `response` sends, when it is a file response whose body nobody has touched. */
export function fileSlice(response: Response): FileSlice | undefined {
  const slice = slices.get(response);
  return slice && !response.bodyUsed && !response.body?.locked ? slice : undefined;
}

export const nodeFiles: FileHost = {
  ...lookups(nodeFsCalls({ realpath, stat, realpathSync, statSync })),
  respond(real, start, end, _size, init) {
    const response = new NativeResponse(fileStream(real, start, end), init);
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
          controller.close();
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
