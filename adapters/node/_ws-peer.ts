/**
 * A WebSocket peer on Node.js: RFC 6455 spoken directly on the upgraded
 * socket with the shared codec in `src/ws/`. Frames go out with one
 * `socket.write` each; a broadcast writes the same bytes to every peer.
 * @module
 */
import type { Socket } from "node:net";
import { CloseCode, isSendableCloseCode } from "../../src/ws/_close.ts";
import { encodeClose, encodeFrame, OPCODE, toPayload } from "../../src/ws/_frame.ts";
import type { WsHub } from "../../src/ws/_hub.ts";
import { FrameParser } from "../../src/ws/_parser.ts";
import { PeerBase, type PeerInit } from "../../src/ws/_peer.ts";
import { deflate, DEFLATE_THRESHOLD, inflate, type Deflate } from "./_ws-deflate.ts";

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** How long to wait for the client's side of the closing handshake. */
const CLOSE_WAIT_MS = 1000;

/**
 * Sockets written to in this turn of the event loop. They stay corked until
 * the check phase, so every message one socket gets from all the reads of a
 * loop iteration leaves in one writev system call.
 */
let corked: NodePeer[] = [];

function uncorkAll(): void {
  const peers = corked;
  corked = [];
  for (const peer of peers) peer._uncork();
}

/** One upgraded `node:net` socket. */
export class NodePeer extends PeerBase<WsHub> {
  readonly socket: Socket;
  /** @internal permessage-deflate settings, when negotiated */
  readonly _deflate: Deflate | undefined;
  /** @internal idle sweeps without traffic */
  _idleTicks = 0;
  #state = OPEN;
  #closeCode: number | undefined;
  #closeReason = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wantDrain = false;
  #corked = false;
  readonly #limit: number;

  constructor(hub: WsHub, socket: Socket, init: PeerInit, deflate?: Deflate) {
    super(hub, init);
    this.socket = socket;
    this._deflate = deflate;
    this.#limit = hub.limits.backpressureLimit;
  }

  /** Attach to the socket, run the open hook, then parse what came with the upgrade. */
  start(head: Uint8Array): void {
    const socket = this.socket;
    const parser = new FrameParser(this._hub.limits.maxPayloadLength, {
      message: (data) => {
        if (this.#state === OPEN) this._hub.received(this, data);
      },
      ping: (data) => {
        if (this.#state === OPEN) socket.write(encodeFrame(OPCODE.pong, data));
      },
      pong: () => {},
      close: (code, reason) => this.#finish(code === CloseCode.noStatus ? undefined : code, code, reason),
      fail: (code, reason) => this.#finish(code, code, reason),
    }, this._deflate ? inflate : undefined);
    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on("data", (chunk: Buffer) => {
      this._idleTicks = 0;
      parser.push(chunk);
    });
    socket.on("drain", () => {
      if (!this.#wantDrain || this.#state !== OPEN) return;
      this.#wantDrain = false;
      this._hub.drained(this);
    });
    socket.on("error", () => {}); // "close" follows and reports 1006
    // The http.Server allows half-open sockets; a client that hung up is gone.
    socket.on("end", () => socket.destroy());
    socket.on("close", () => this.#onClose());
    this._hub.opened(this);
    if (head.length > 0) parser.push(head);
  }

  get readyState(): number {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** @internal Write an encoded data frame; false if the peer is not open. */
  _write(frame: Uint8Array): boolean {
    if (this.#state !== OPEN) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      if (corked.push(this) === 1) setImmediate(uncorkAll);
    }
    if (!this.socket.write(frame)) {
      if (this.socket.writableLength > this.#limit) {
        this.#finish(CloseCode.policyViolation, CloseCode.policyViolation, "back-pressure limit exceeded");
        return false;
      }
      this.#wantDrain = true;
    }
    return true;
  }

  /** @internal */
  _uncork(): void {
    this.#corked = false;
    this.socket.uncork();
  }

  send(data: unknown, options?: { compress?: boolean }): number {
    const { opcode, bytes } = toPayload(data);
    const frame = this._deflate && (options?.compress ?? bytes.length >= DEFLATE_THRESHOLD)
      ? encodeFrame(opcode, deflate(bytes, this._deflate.windowBits), true)
      : encodeFrame(opcode, bytes);
    return this._write(frame) ? frame.length : 0;
  }

  ping(data: unknown = ""): void {
    if (this.#state !== OPEN) return;
    const { bytes } = toPayload(data);
    this.socket.write(encodeFrame(OPCODE.ping, bytes.length > 125 ? bytes.subarray(0, 125) : bytes));
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    if (!isSendableCloseCode(code)) throw new RangeError(`invalid WebSocket close code ${code}`);
    if (this.#state !== OPEN) return;
    this.#state = CLOSING;
    // Reported to the close hook unless the client answers with its own close frame.
    this.#closeCode = code;
    this.#closeReason = reason;
    this.socket.write(encodeClose(code, reason));
    this.#timer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  terminate(): void {
    this.socket.destroy();
  }

  /**
   * The handshake ends: echo or send `send` (undefined: an empty close frame)
   * if we have not sent a close yet, remember what the close hook reports, and
   * end the TCP connection (the server closes first, RFC 6455 7.1.1).
   */
  #finish(send: number | undefined, code: number, reason: string): void {
    if (this.#state === CLOSED) return;
    if (this.#state === OPEN) this.socket.write(encodeClose(send, reason));
    this.#state = CLOSING;
    this.#closeCode = code;
    this.#closeReason = reason;
    this.socket.end();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  #onClose(): void {
    this.#state = CLOSED;
    clearTimeout(this.#timer);
    this._hub.closed(this, this.#closeCode ?? CloseCode.abnormal, this.#closeReason);
  }
}
