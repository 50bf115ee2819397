/**
 * Write a web Response to Node's ServerResponse. Fixed-size bodies go out in
 * one `end()` with Content-Length; streams are written with backpressure and
 * a stream that fails after the headers aborts the connection so the client
 * never sees a clean end.
 * @module
 */
import type { ServerResponse } from "node:http";
import { abortResponse, hasHeader, writeHead, writeWhole } from "./_response-head.ts";
import { logStreamError } from "../../src/_log.ts";
import { byteChunk } from "../../src/_logged-stream.ts";
import { FastResponse, isNativeResponse, type FastParts } from "./_response.ts";
import { type BodyReader, settledBody } from "./_foreign-body.ts";
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
      response._send();
      const body = fast.body;
      if (!(body instanceof Blob)) return sendFixed(res, fast, body, isHead);
      return body.arrayBuffer().then((bytes) => sendFixed(res, fast, new Uint8Array(bytes), isHead));
    }
  }
  if (isFast) {
    const stream = response._stream();
    if (stream) {
      response._send();
      return sendStream(res, stream.status, flatHeaders(stream.headers), stream.body, isHead);
    }
  }
  // A FastResponse itself: its body and status are the native one's, its headers its own (see FastResponse.headers).
  return sendNative(res, response, isHead, isFast);
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
    writeWhole(res, status, headers, null);
    return;
  }
  const length = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (fast.contentType && !hasHeader(headers, "content-type")) headers.push("content-type", fast.contentType);
  // The body's own length, whatever the app said: its Content-Length or Transfer-Encoding on a body of
  // known size would misframe the connection (a short one leaves bytes that read as the next response), and
  // Deno and Bun send the real length too. A HEAD without a body keeps the app's (the GET's length).
  if (!(isHead && length === 0 && hasHeader(headers, "content-length"))) {
    setLength(headers, length);
  }
  writeWhole(res, status, headers, isHead ? null : body);
}

/** `content-length: length` in the flat list, in place of any Content-Length or Transfer-Encoding there. */
function setLength(flat: string[], length: number): void {
  for (let i = flat.length - 2; i >= 0; i -= 2) {
    const name = flat[i];
    if ((name.length === 14 || name.length === 17) && /^(?:content-length|transfer-encoding)$/i.test(name)) flat.splice(i, 2);
  }
  flat.push("content-length", String(length));
}

function sendNative(res: ServerResponse, response: Response, isHead: boolean, isFast: boolean): void | Promise<void> {
  // The body before the headers: a light Response from another library (srvx's) builds its
  // native one for the body, and its headers then carry the content-type that body gives.
  const body = response.body;
  const status = response.status;
  const headers = flatHeaders(response.headers);
  if (body !== null && !bodiless(status) && !isFast && !isNativeResponse(response) && !hasHeader(headers, "content-length") && !hasHeader(headers, "transfer-encoding")) {
    return sendForeign(res, status, headers, body, isHead);
  }
  return sendStream(res, status, headers, body, isHead);
}

/** Another library's Response: a body that has ended at once goes out with its length, as on Deno and Bun (see _foreign-body.ts). */
async function sendForeign(
  res: ServerResponse,
  status: number,
  headers: string[],
  body: ReadableStream<Uint8Array>,
  isHead: boolean,
): Promise<void> {
  const settled = await settledBody(body.getReader());
  if (settled instanceof Uint8Array) {
    headers.push("content-length", String(settled.byteLength));
    writeWhole(res, status, headers, isHead ? null : settled);
    return;
  }
  if (isHead || res.destroyed) {
    // A client gone while the body was read: nothing to answer.
    if (!res.destroyed) writeWhole(res, status, headers, null);
    settled.cancel().catch(() => {});
    return;
  }
  writeHead(res, status, headers);
  return pipe(settled, res);
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
    writeWhole(res, status, headers, null);
    if (body) body.cancel().catch(() => {});
    return;
  }
  const reader = body.getReader(); // throws for a locked stream, before anything is sent
  const declared = isHead ? undefined : declaredLength(headers);
  if (isHead) {
    writeWhole(res, status, headers, null);
    reader.cancel().catch(() => {});
    return;
  }
  writeHead(res, status, headers);
  return pipe(reader, res, declared);
}

/**
 * The Content-Length the app gave a streamed body, which the stream is then
 * held to (see {@link pipe}); undefined when there is none. One that cannot
 * frame the body is dropped from `flat`, and the body goes chunked: beside a
 * Transfer-Encoding (which wins, RFC 9112 6.3), or not a number. As Deno does.
 */
function declaredLength(flat: string[]): number | undefined {
  let at = -1;
  let chunked = false;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    if (name.length === 14 && name.toLowerCase() === "content-length") at = i;
    else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") chunked = true;
  }
  if (at < 0) return undefined;
  const value = flat[at + 1].trim();
  if (!chunked && /^\d{1,15}$/.test(value)) return Number(value);
  flat.splice(at, 2);
  return undefined;
}

/**
 * Bytes Node may hold for a slow client before the stream waits: more than
 * `write()`'s own 16 KiB mark, so a fast client never waits per chunk, and
 * small enough that memory stays flat for a slow one.
 */
const BUFFERED_LIMIT = 256 * 1024;

/**
 * Copy the stream to the response. With a `declared` length the body is held
 * to it, as Deno holds it: bytes past it are cut and the stream cancelled (the
 * connection stays in step for its next response), and a stream that ends
 * short aborts the response, so the client never waits for bytes that will
 * not come nor reads the next response's as this body.
 */
async function pipe(reader: BodyReader, res: ServerResponse, declared?: number): Promise<void> {
  let left = declared ?? Infinity;
  let gone = false;
  const onClose = () => {
    gone = true;
    // The reason the source's cancel() gets, as Bun gives one (Deno a string: denoCancelReasonString).
    reader.cancel(new DOMException("client disconnected", "AbortError")).catch(() => {});
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      const bytes = byteChunk(value);
      // As bytes: node:http would write the head with a first string chunk as UTF-8 (see writeWhole).
      const chunk = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
      if (declared !== undefined) {
        if (chunk.byteLength >= left) {
          res.write(chunk.subarray(0, left));
          left = 0;
          reader.cancel().catch(() => {});
          break;
        }
        left -= chunk.byteLength;
      }
      res.write(chunk);
      if (res.writableLength > BUFFERED_LIMIT) await drained(res);
    }
    if (gone) return;
    if (declared !== undefined && left > 0) abortResponse(res);
    else res.end();
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
