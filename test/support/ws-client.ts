/**
 * A raw-socket WebSocket client for the conformance suite. It writes frames
 * byte by byte (masked or not, fragmented, with bad UTF-8) so the suite can
 * test what a browser client never sends. Written apart from `src/ws/` on
 * purpose: the server codec is not tested with itself.
 * @module
 */
import { randomBytes } from "node:crypto";
import net from "node:net";

/** One frame as the server sent it. */
export interface Frame {
  fin: boolean;
  /** RSV1: a permessage-deflate compressed message. */
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

/** The HTTP answer to the handshake. */
export interface Handshake {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const OP = { cont: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** Frame bytes; masked with a random key unless `mask: false`. */
export function frame(
  opcode: number,
  data: string | Uint8Array,
  opts: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Buffer {
  const payload = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
  const mask = opts.mask ?? true;
  const len = payload.length;
  const head = Buffer.alloc(len < 126 ? 2 : len < 65536 ? 4 : 10);
  head[0] = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) (head[1] = 126, head.writeUInt16BE(len, 2));
  else (head[1] = 127, head.writeBigUInt64BE(BigInt(len), 2));
  if (!mask) return Buffer.concat([head, payload]);
  head[1] |= 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([head, key, body]);
}

/** A close frame payload: code then reason. */
export function closePayload(code: number, reason = ""): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

/** Read a close frame's code and reason. */
export function closeInfo(f: Frame): { code: number | undefined; reason: string } {
  if (f.payload.length < 2) return { code: undefined, reason: "" };
  return { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() };
}

/** A WebSocket client over a plain TCP socket. */
export class RawClient {
  readonly socket: net.Socket;
  readonly frames: Frame[] = [];
  /** Resolves when the TCP connection ends. */
  readonly ended: Promise<void>;
  #buf: Buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];

  constructor(socket: net.Socket, rest: Buffer) {
    this.socket = socket;
    this.ended = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("close", () => this.#wake());
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", () => {});
    if (rest.length) this.#onData(rest);
  }

  /**
   * Open a WebSocket at `url` (http://...); refused handshakes come back with `client: undefined`.
   * `target` replaces the request line's path and query (an absolute-form target, say); a header
   * given as null is left out.
   */
  static connect(
    url: string,
    opts: { headers?: Record<string, string | null>; protocols?: string[]; target?: string } = {},
  ): Promise<{ client: RawClient | undefined; handshake: Handshake }> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(u.port), u.hostname);
      socket.setNoDelay(true);
      const fields: Record<string, string | null> = {
        Host: u.host,
        Upgrade: "websocket",
        Connection: "Upgrade",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        "Sec-WebSocket-Version": "13",
        ...(opts.protocols ? { "Sec-WebSocket-Protocol": opts.protocols.join(", ") } : {}),
        ...opts.headers, // replaces a default of the same spelling
      };
      const lines = [`GET ${opts.target ?? u.pathname + u.search} HTTP/1.1`];
      for (const [k, v] of Object.entries(fields)) if (v !== null) lines.push(`${k}: ${v}`);
      socket.write(lines.join("\r\n") + "\r\n\r\n");
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => (socket.destroy(), reject(new Error("handshake timed out"))), 5000);
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [statusLine, ...headerLines] = buf.subarray(0, end).toString("latin1").split("\r\n");
        const headers: Record<string, string> = {};
        for (const line of headerLines) {
          const i = line.indexOf(":");
          const k = line.slice(0, i).trim().toLowerCase();
          const v = line.slice(i + 1).trim();
          headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
        }
        const status = Number(statusLine.split(" ")[1]);
        const rest = buf.subarray(end + 4);
        if (status === 101) {
          socket.off("data", onData);
          clearTimeout(timer);
          resolve({ client: new RawClient(socket, rest), handshake: { status, headers, body: "" } });
          return;
        }
        const length = Number(headers["content-length"] ?? NaN);
        if (Number.isFinite(length) ? rest.length < length : !socket.readableEnded) return;
        clearTimeout(timer);
        socket.destroy();
        resolve({ client: undefined, handshake: { status, headers, body: rest.toString() } });
      };
      socket.on("data", onData);
      socket.on("end", () => onData(Buffer.alloc(0)));
      socket.on("error", (error) => (clearTimeout(timer), reject(error)));
    });
  }

  /** Resolves when the TCP connection ended; rejects after `ms`. */
  endedWithin(ms = 5000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms);
    });
    return Promise.race([this.ended, late]).finally(() => clearTimeout(timer));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendText(text: string): void {
    this.write(frame(OP.text, text));
  }

  sendBinary(data: Uint8Array): void {
    this.write(frame(OP.binary, data));
  }

  sendClose(code?: number, reason = ""): void {
    this.write(frame(OP.close, code === undefined ? "" : closePayload(code, reason)));
  }

  /** The next frame, waiting at most `ms`; rejects on timeout or when the socket ended first. */
  async next(ms = 5000): Promise<Frame> {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (this.socket.destroyed) throw new Error("socket closed before a frame arrived");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    return this.frames.shift()!;
  }

  /** Skip frames until one with `opcode`; pings are answered with nothing. */
  async nextOf(opcode: number, ms = 5000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = await this.next(Math.max(1, deadline - Date.now()));
      if (f.opcode === opcode) return f;
    }
  }

  /** The next data frame's text. */
  async nextText(ms?: number): Promise<string> {
    return (await this.nextOf(OP.text, ms)).payload.toString();
  }

  /** Wait for the server's close frame and return its code and reason. */
  async closeFrame(ms?: number): Promise<{ code: number | undefined; reason: string }> {
    return closeInfo(await this.nextOf(OP.close, ms));
  }

  destroy(): void {
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) break;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (b[1] & 0x80) off += 4; // servers never mask; tolerate it anyway
      if (b.length < off + len) break;
      this.frames.push({ fin: (b[0] & 0x80) !== 0, rsv1: (b[0] & 0x40) !== 0, opcode: b[0] & 0x0f, payload: b.subarray(off, off + len) });
      this.#buf = b.subarray(off + len);
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
