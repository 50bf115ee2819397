/**
 * Just enough WebSocket client for load generation over raw TCP: the upgrade
 * handshake, one pre-masked text frame sent as-is, and a frame counter that
 * never copies or decodes payloads. Keeping the client this thin is what lets
 * it outrun the servers it measures.
 * @module
 */
import { Buffer } from "node:buffer";
import net from "node:net";

/** One read buffer for every socket: each read is consumed before the next begins. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * Open a WebSocket to `url`; resolves once the server answered 101. Reads go
 * through one reused buffer (`onread`), skipping Node's stream machinery, and
 * every data frame after the handshake is reported to `onFrames`.
 */
export function openSocket(
  url: string,
  onFrames: (count: number) => void = () => {},
  localAddress?: string,
  extensions?: string,
): Promise<net.Socket> {
  const { hostname, port, pathname, search } = new URL(url);
  const counter = new FrameCounter();
  let head: Buffer | undefined = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: hostname,
      port: Number(port),
      localAddress,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback(size: number, buffer: Uint8Array): boolean {
          const chunk = (buffer as Buffer).subarray(0, size);
          if (!head) {
            onFrames(counter.push(chunk));
            return true;
          }
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) return true;
          const status = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
          const rest = head.subarray(end + 4);
          head = undefined;
          socket.off("error", reject);
          if (!/^HTTP\/1\.1 101\b/.test(status)) {
            socket.destroy();
            reject(new Error(`upgrade refused: ${status}`));
            return false;
          }
          resolve(socket);
          if (rest.length) onFrames(counter.push(rest));
          return true;
        },
      },
    });
    socket.once("error", reject);
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
        (extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : "") + "\r\n",
    );
  });
}

/** A client text frame (masked, as the protocol requires) ready to write many times; under 64 KiB. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 65535) throw new Error("textFrame: keep bench messages under 64 KiB");
  const mask = [0x6d, 0x61, 0x73, 0x6b];
  const head = payload.length < 126 ? 2 : 4;
  const frame = Buffer.alloc(head + 4 + payload.length);
  frame[0] = 0x81;
  if (head === 2) frame[1] = 0x80 | payload.length;
  else (frame[1] = 0x80 | 126, frame.writeUInt16BE(payload.length, 2));
  frame.set(mask, head);
  for (let i = 0; i < payload.length; i++) frame[head + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/** Counts complete data frames in a server-to-client byte stream. */
export class FrameCounter {
  #skip = 0;
  #partial: Buffer | undefined;

  /** Feed the next chunk; returns how many text/binary frames began in it. */
  push(chunk: Buffer): number {
    let i = 0;
    if (this.#skip > 0) {
      i = Math.min(this.#skip, chunk.length);
      this.#skip -= i;
      if (i === chunk.length) return 0;
    }
    if (this.#partial) {
      chunk = Buffer.concat([this.#partial, chunk.subarray(i)]);
      this.#partial = undefined;
      i = 0;
    }
    let frames = 0;
    const length = chunk.length;
    while (i < length) {
      if (length - i < 2) break;
      const opcode = chunk[i] & 0x0f;
      let size = chunk[i + 1] & 0x7f;
      let header = 2;
      if (size === 126) {
        header = 4;
        if (length - i < 4) break;
        size = chunk.readUInt16BE(i + 2);
      } else if (size === 127) {
        header = 10;
        if (length - i < 10) break;
        size = chunk.readUInt32BE(i + 6);
      }
      if (opcode === 1 || opcode === 2) frames++;
      i += header + size;
    }
    if (i > length) this.#skip = i - length;
    else if (i < length) this.#partial = Buffer.from(chunk.subarray(i)); // the read buffer is reused
    return frames;
  }
}
