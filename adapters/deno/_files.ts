/**
 * Files on Deno: `Deno.lstatSync` (and `Deno.realPathSync` at a symlink) to look up, `Deno.open` to
 * send. A whole file goes out as the open file's own `readable`, which
 * Deno.serve streams from the file in Rust without a JavaScript read loop; a
 * range is read from a seek, as far as its end.
 * @module
 */
import { type FileHost, finder, isUnopenable } from "../../src/static/_files.ts";
import { deno, type DenoFileInfo, type DenoFsFile } from "./host.ts";

export const denoFiles: FileHost = {
  find: finder<DenoFileInfo>({
    realpath: (path) => deno().realPathSync(path),
    stat: (path) => deno().statSync(path),
    lstat: (path) => deno().lstatSync(path),
    fields: (s) => ({ size: s.size, mtimeMs: s.mtime?.getTime() ?? 0, isFile: s.isFile, isDirectory: s.isDirectory, isSymbolicLink: s.isSymlink }),
  }),
  respond({ real, size }, start, end, init) {
    const file = openRegular(real);
    if (!file) return undefined;
    const body = start === 0 && end === size - 1 ? file.readable : slice(file, start, end);
    return new Response(body, init);
  },
};

/**
 * The file at `path`, opened synchronously like the lookup (microseconds, and
 * the response stays sync), or undefined when it is not there to send any
 * more: removed since the lookup, a folder in its place (which opens, and
 * fails only when read: the stat of the open file, 1.7 µs), or unreadable.
 * Deno.openSync has no non-blocking mode: a FIFO swapped in for the file
 * between lookup and open would block it (the probe through `node:fs`'s
 * O_NONBLOCK open costs Deno 30 µs, measured).
 */
function openRegular(path: string): DenoFsFile | undefined {
  let file: DenoFsFile;
  try {
    file = deno().openSync(path);
  } catch (error) {
    if (isUnopenable(error)) return undefined;
    throw error;
  }
  if (file.statSync().isFile) return file;
  file.close();
  return undefined;
}

const CHUNK = 64 * 1024;

/** Bytes `start` to `end` of an open file, as a stream that closes the file when done. */
function slice(file: DenoFsFile, start: number, end: number): ReadableStream<Uint8Array> {
  file.seekSync(start, 0);
  let left = end - start + 1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buffer = new Uint8Array(Math.min(CHUNK, left));
        const n = left > 0 ? await file.read(buffer) : null;
        if (n === null) {
          file.close();
          // Short of the range's end: the file was cut since the lookup; an error, never a clean short body.
          if (left > 0) controller.error(new Error(`file ended ${left} bytes before the range's end: cut since it was looked up`));
          else controller.close();
          return;
        }
        left -= n;
        controller.enqueue(buffer.subarray(0, n));
      } catch (error) {
        file.close();
        throw error;
      }
    },
    cancel: () => file.close(),
  }, { highWaterMark: 0 });
}
