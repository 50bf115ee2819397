/**
 * Write a web Response to Node's ServerResponse. Fixed-size bodies go out in
 * one `end()` with Content-Length; streams are written with backpressure and
 * a stream that fails after the headers aborts the connection so the client
 * never sees a clean end.
 * @module
 */
import type { ServerResponse } from "node:http";
import { abortResponse, hasHeader, writeHead } from "./_response-head.ts";
import { logStreamError } from "../../src/_log.ts";
import { byteChunk } from "../../src/_logged-stream.ts";
import { FastResponse, type FastParts } from "./_response.ts";
import { fileParts } from "./_files.ts";
import { sendFile } from "./_send-file.ts";

/** True for statuses that never carry a body. */
function bodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** Send `response`; resolves when done (or the connection is gone). */
export function send(
  res: ServerResponse,
  response: Response,
  isHead: boolean,
  close: boolean,
): void | Promise<void> {
  if (close) res.shouldKeepAlive = false;
  const file = fileParts(response); // serveStatic(): the file goes straight to the socket
  if (file) return sendFile(res, file.status, flatHeaders(file.headers), file.slice, isHead);
  const isFast = FastResponse.isFast(response);
  if (isFast) {
    const fast = response._fast();
    if (fast) {
      const body = fast.body;
      if (!(body instanceof Blob)) return sendFixed(res, fast, body, isHead);
      return body.arrayBuffer().then((bytes) => sendFixed(res, fast, new Uint8Array(bytes), isHead));
    }
  }
  if (isFast) {
    const stream = response._stream();
    if (stream) {
      return sendStream(res, stream.status, flatHeaders(stream.headers), stream.body, isHead);
    }
  }
  const native = isFast ? response._native() : response;
  return sendNative(res, native, isHead);
}

function sendFixed(
  res: ServerResponse,
  fast: FastParts,
  body: string | Uint8Array | null,
  isHead: boolean,
): void {
  const headers = flatHeaders(fast.headers);
  const status = fast.status;
  if (bodiless(status)) {
    writeHead(res, status, headers);
    res.end();
    return;
  }
  const length = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (fast.contentType && !hasHeader(headers, "content-type")) headers.push("content-type", fast.contentType);
  // A body compressed whole goes out without Content-Length, as a stream would (see FastResponse.unframed).
  if (!fast.unframed && !hasHeader(headers, "content-length")) headers.push("content-length", String(length));
  writeHead(res, status, headers);
  if (isHead || body === null) res.end();
  else res.end(body);
}

function sendNative(res: ServerResponse, response: Response, isHead: boolean): void | Promise<void> {
  // The body before the headers: a light Response from another library (srvx's) builds its
  // native one for the body, and its headers then carry the content-type that body gives.
  const body = response.body;
  return sendStream(res, response.status, flatHeaders(response.headers), body, isHead);
}

function sendStream(
  res: ServerResponse,
  status: number,
  headers: string[],
  body: ReadableStream<Uint8Array> | null,
  isHead: boolean,
): void | Promise<void> {
  if (body === null || bodiless(status)) {
    if (!bodiless(status) && !hasHeader(headers, "content-length")) headers.push("content-length", "0");
    writeHead(res, status, headers);
    res.end();
    if (body) body.cancel().catch(() => {});
    return;
  }
  const reader = body.getReader(); // throws for a locked stream, before anything is sent
  writeHead(res, status, headers);
  if (isHead) {
    res.end();
    reader.cancel().catch(() => {});
    return;
  }
  return pipe(reader, res);
}

/**
 * Bytes Node may hold for a slow client before the stream waits: more than
 * `write()`'s own 16 KiB mark, so a fast client never waits per chunk, and
 * small enough that memory stays flat for a slow one.
 */
const BUFFERED_LIMIT = 256 * 1024;

async function pipe(reader: ReadableStreamDefaultReader<Uint8Array>, res: ServerResponse): Promise<void> {
  let gone = false;
  const onClose = () => {
    gone = true;
    reader.cancel().catch(() => {});
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      res.write(byteChunk(value));
      if (res.writableLength > BUFFERED_LIMIT) await drained(res);
    }
    if (!gone) res.end();
  } catch (error) {
    if (!gone) {
      logStreamError(error);
      // Never end a broken body cleanly: abort the connection.
      abortResponse(res);
    }
  } finally {
    res.off("close", onClose);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const resume = () => {
      res.off("drain", resume).off("close", resume);
      resolve();
    };
    res.on("drain", resume).on("close", resume);
  });
}

/** HeadersInit as a flat [name, value, ...] array Node's writeHead takes. */
function flatHeaders(init: HeadersInit | undefined): string[] {
  const out: string[] = [];
  if (!init) return out;
  if (init instanceof Headers) {
    init.forEach((value, name) => {
      if (name !== "set-cookie") out.push(name, value);
    });
    for (const cookie of init.getSetCookie()) out.push("set-cookie", cookie);
  } else if (Array.isArray(init)) {
    for (const [name, value] of init) out.push(name, value);
  } else {
    for (const name in init) {
      const value = (init as Record<string, string | string[]>)[name];
      if (Array.isArray(value)) for (const v of value) out.push(name, v);
      else out.push(name, value);
    }
  }
  return out;
}
