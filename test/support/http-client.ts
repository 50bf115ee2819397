/**
 * A raw HTTP/1.1 client for conformance cases: what is on the wire, byte for
 * byte, without a client library normalising it away.
 */
import net from "node:net";

export interface RawResponse {
  status: number;
  /** Header lines as sent, names lower-cased, in order. */
  headers: [string, string][];
  body: Buffer;
  /** The raw head (status line and header lines). */
  head: string;
  /** True when the body ended the way its framing says (length reached or last chunk). */
  complete: boolean;
  chunked: boolean;
}

export interface Exchange {
  responses: RawResponse[];
  /** The peer closed (FIN) or reset the connection. */
  closed: boolean;
  reset: boolean;
  /** Everything received, as latin1 text. */
  text: string;
}

export function header(res: RawResponse, name: string): string | undefined {
  return res.headers.find(([n]) => n === name)?.[1];
}

export function headerAll(res: RawResponse, name: string): string[] {
  return res.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/** Parse as many responses as `data` holds. `heads[i]` says response i answers a HEAD. */
export function parseResponses(data: Buffer, heads: boolean[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf("\r\n\r\n", at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString("latin1");
    const [statusLine, ...lines] = head.split("\r\n");
    const status = Number(statusLine.split(" ")[1]);
    const headers = lines.map((line) => {
      const i = line.indexOf(":");
      return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()] as [string, string];
    });
    at = end + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      out.push({ status, headers, body: Buffer.alloc(0), head, complete: true, chunked: false });
      continue;
    }
    const isHead = heads[out.filter((r) => r.status >= 200).length] ?? false;
    const te = headers.find(([n]) => n === "transfer-encoding")?.[1];
    const cl = headers.find(([n]) => n === "content-length")?.[1];
    if (isHead || status === 204 || status === 304) {
      out.push({ status, headers, body: Buffer.alloc(0), head, complete: true, chunked: false });
    } else if (te && /chunked/i.test(te)) {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0) break;
        const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const trailerEnd = data.indexOf("\r\n\r\n", lineEnd);
          if (trailerEnd === lineEnd) {
            at = lineEnd + 4;
            complete = true;
          } else if (data.length >= lineEnd + 4) {
            at = trailerEnd >= 0 ? trailerEnd + 4 : data.length;
            complete = trailerEnd >= 0;
          }
          break;
        }
        if (data.length < lineEnd + 2 + size + 2) {
          chunks.push(data.subarray(lineEnd + 2, Math.min(data.length, lineEnd + 2 + size)));
          at = data.length;
          break;
        }
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      out.push({ status, headers, body: Buffer.concat(chunks), head, complete, chunked: true });
      if (!complete) break;
    } else if (cl !== undefined) {
      const length = Number(cl);
      const body = data.subarray(at, Math.min(data.length, at + length));
      out.push({ status, headers, body, head, complete: body.length === length, chunked: false });
      at += body.length;
      if (body.length < length) break;
    } else {
      // Body until close.
      out.push({ status, headers, body: data.subarray(at), head, complete: false, chunked: false });
      at = data.length;
    }
  }
  return out;
}

export interface ExchangeOptions {
  /** Resolve once this many final (non-1xx) complete responses arrived. Default 1. */
  responses?: number;
  /** Which of the responses answer HEAD requests. */
  heads?: boolean[];
  /** Give up waiting after this long (default 5 s); the result says what arrived. */
  timeoutMs?: number;
  /** Half-close (FIN) once the request is written, and go on reading. */
  halfClose?: boolean;
}

/** Connect to `url`, write `request` (parts are written in order), and collect responses. */
export function exchange(url: string, request: string | Buffer | (string | Buffer)[], options: ExchangeOptions = {}): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  const want = options.responses ?? 1;
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    let reset = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      resolve({ responses: parseResponses(data, options.heads), closed, reset, text: data.toString("latin1") });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5000);
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      const final = parseResponses(Buffer.concat(chunks), options.heads).filter((r) => r.status >= 200 && r.complete);
      if (final.length >= want) finish();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") reset = true;
      closed = true;
      finish();
    });
    socket.on("end", () => {
      closed = true;
      finish();
    });
    const parts = Array.isArray(request) ? request : [request];
    for (const part of parts) socket.write(part);
    if (options.halfClose) socket.end();
  });
}

/** A GET request head for `path` on `url`'s host. */
export function get(url: string, path: string, extra = "", method = "GET"): string {
  return `${method} ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n${extra}\r\n`;
}
