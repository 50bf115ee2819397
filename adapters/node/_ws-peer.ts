/**
 * A WebSocket peer on Node.js: RFC 6455 spoken directly on the upgraded
 * socket with the shared codec in `src/ws/`. Frames go out with one
 * `socket.write` each; a broadcast writes the same bytes to every peer.
 *
 * Every frame, pongs included, counts against `backpressureLimit`, and a
 * peer gets at most two pongs per turn of the loop: one for the first ping
 * read in it, in order, and one at the end for the latest (RFC 6455 5.5.3
 * allows answering only the latest): a client that floods pings and never
 * reads cannot make the server queue a pong per ping. While a message is being
 * compressed off the loop, the frames sent after it wait in a per-peer
 * queue, so each peer gets its messages in send order.
 * @module
 */
import type { Socket } from "node:net";
import { CloseCode, closeReason } from "../../src/ws/_close.ts";
import { encodeClose, encodeFrame, OPCODE, toPayload } from "../../src/ws/_frame.ts";
import type { WsHub } from "../../src/ws/_hub.ts";
import { FrameParser } from "../../src/ws/_parser.ts";
import { PeerBase, type PeerInit } from "../../src/ws/_peer.ts";
import { DEFLATE_THRESHOLD, deflateFrame, inflate, PendingFrame, type Deflate } from "./_ws-deflate.ts";

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
  #state = OPEN;
  #closeCode: number | undefined;
  #closeReason = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wantDrain = false;
  #corked = false;
  /** A pong went out in this turn of the loop. */
  #ponged = false;
  /** The pong for the latest ping after that one, written when the socket is uncorked. */
  #pong: Uint8Array | undefined;
  /** Frames behind a compression still running, in send order; undefined when none waits. */
  #queue: Array<Uint8Array | PendingFrame> | undefined;
  /** Bytes in `#queue` (a pending frame by its uncompressed size); they count against the limit. */
  #queued = 0;
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
      // Control frames may go out between queued messages; they count against the limit like any frame.
      ping: (data) => {
        if (this.#state !== OPEN) return;
        const pong = encodeFrame(OPCODE.pong, data);
        if (this.#ponged) return void (this.#pong = pong);
        this.#ponged = true;
        this.#writeNow(pong);
      },
      pong: () => {},
      close: (code, reason) => this.#finish(code === CloseCode.noStatus ? undefined : code, code, reason),
      fail: (code, reason) => this.#finish(code, code, reason),
      resume: () => socket.resume(),
    }, this._deflate ? inflate : undefined);
    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on("data", (chunk: Buffer) => {
      this._idleTicks = 0;
      // A compressed message is inflating off the loop: read no more until it is delivered.
      if (!parser.push(chunk)) socket.pause();
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
    if (head.length > 0 && !parser.push(head)) socket.pause();
  }

  get readyState(): number {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength + this.#queued;
  }

  /** @internal Write an encoded data frame, in order; false if the peer is not open. */
  _write(frame: Uint8Array): boolean {
    if (this.#state !== OPEN) return false;
    if (this.#queue === undefined) return this.#writeNow(frame);
    return this.#enqueue(frame, frame.length);
  }

  /** @internal Queue a frame still being compressed; later frames wait behind it. */
  _writeLater(frame: PendingFrame): boolean {
    if (this.#state !== OPEN) return false;
    this.#queue ??= [];
    frame.add(this);
    return this.#enqueue(frame, frame.size);
  }

  /** Queue behind a compression; the queue counts against the limit like unsent bytes. */
  #enqueue(frame: Uint8Array | PendingFrame, size: number): boolean {
    this.#queue!.push(frame);
    this.#queued += size;
    if (this.#queued + unsent(this.socket) > this.#limit) {
      this.#finish(CloseCode.policyViolation, CloseCode.policyViolation, "back-pressure limit exceeded");
      return false;
    }
    if (!(frame instanceof PendingFrame)) this._flush();
    return true;
  }

  /** @internal Write queued frames up to the first one still compressing. */
  _flush(): void {
    const queue = this.#queue;
    if (!queue) return;
    while (queue.length > 0) {
      const head = queue[0];
      if (head instanceof PendingFrame && !head.settled) return;
      queue.shift();
      this.#queued -= head instanceof PendingFrame ? head.size : head.length;
      const frame = head instanceof PendingFrame ? head.frame : head;
      if (frame && !this.#writeNow(frame)) return;
      if (this.#queue !== queue) return;
    }
    this.#queue = undefined;
    this.#queued = 0;
  }

  /**
   * Write now, corked until this turn of the loop ends. A peer whose unsent
   * bytes pass the limit is closed with 1008. Only bytes the kernel refused
   * count: the corked bytes are flushed before judging, so a reader that keeps
   * up is not closed because one turn read a burst.
   */
  #writeNow(frame: Uint8Array): boolean {
    this.#cork();
    // Cheap first: unsent bytes never exceed writableLength.
    if (!this.socket.write(frame) && this.socket.writableLength > this.#limit) {
      if (this.#corked) this._uncork();
      if (this.#overLimit()) return false;
    }
    return true;
  }

  /** Hold writes until this turn of the loop ends. */
  #cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.socket.cork();
    if (corked.push(this) === 1) setImmediate(uncorkAll);
  }

  /** Close with 1008 when the bytes the kernel has not taken pass the limit. */
  #overLimit(): boolean {
    if (unsent(this.socket) <= this.#limit) return false;
    this.#finish(CloseCode.policyViolation, CloseCode.policyViolation, "back-pressure limit exceeded");
    return true;
  }

  /** @internal Write this turn's pong, then flush. */
  _uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#ponged = false;
    const pong = this.#pong;
    this.#pong = undefined;
    if (pong && this.#state === OPEN) this.socket.write(pong);
    this.socket.uncork();
    // The drain hook is for bytes the kernel refused, as on Bun: a burst the kernel took whole
    // (write() said false only because it passed the stream's highWaterMark) calls no hook.
    if (this.socket.writableNeedDrain && this.socket.writableLength > 0) this.#wantDrain = true;
    if (pong) this.#overLimit();
  }

  /** The message's length in bytes, or 0 when it was dropped. */
  send(data: unknown, options?: { compress?: boolean }): number {
    const { opcode, bytes } = toPayload(data);
    const frame = this._deflate && (options?.compress ?? bytes.length >= DEFLATE_THRESHOLD)
      ? deflateFrame(opcode, bytes, this._deflate.windowBits)
      : encodeFrame(opcode, bytes);
    if (frame instanceof PendingFrame) return this._writeLater(frame) ? bytes.length : 0;
    return this._write(frame) ? bytes.length : 0;
  }

  ping(data: unknown = ""): void {
    if (this.#state !== OPEN) return;
    const { bytes } = toPayload(data);
    this.#writeNow(encodeFrame(OPCODE.ping, bytes.length > 125 ? bytes.subarray(0, 125) : bytes));
  }

  close(code: number = CloseCode.normal, reason = ""): void {
    reason = closeReason(code, reason);
    if (this.#state !== OPEN) return;
    this.#state = CLOSING;
    this._leaveTopics();
    // Reported to the close hook, whatever the client answers (as Bun reports it).
    this.#closeCode = code;
    this.#closeReason = reason;
    // After every message sent before it, even one still compressing.
    const frame = encodeClose(code, reason);
    if (this.#queue) (this.#queue.push(frame), this.#queued += frame.length);
    else this.socket.write(frame);
    this.#timer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  /** Drop the connection; from now on the peer is closing (sends are dropped) until the close hook runs. */
  terminate(): void {
    if (this.#state === OPEN) (this.#state = CLOSING, this._leaveTopics());
    this.socket.destroy();
  }

  /**
   * The handshake ends: echo or send `send` (undefined: an empty close frame)
   * if we have not sent a close yet, and end the TCP connection (the server
   * closes first, RFC 6455 7.1.1). The close hook reports the close frame that
   * came first: after `close()`, the server's own, whatever the client answers.
   */
  #finish(send: number | undefined, code: number, reason: string): void {
    if (this.#state === CLOSED) return;
    // The connection is ending: messages still compressing are dropped.
    this.#queue = undefined;
    this.#queued = 0;
    if (this.#state === OPEN) {
      this._leaveTopics();
      this.socket.write(encodeClose(send, reason));
      this.#closeCode = code;
      this.#closeReason = reason;
    }
    this.#state = CLOSING;
    this.socket.end();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  #onClose(): void {
    this.#state = CLOSED;
    this.#queue = undefined;
    this.#queued = 0;
    clearTimeout(this.#timer);
    this._hub.closed(this, this.#closeCode ?? CloseCode.abnormal, this.#closeReason);
  }
}

interface WritableInternals {
  _writableState?: { length: number; writing: boolean; writelen: number };
  _handle?: { writeQueueSize?: number } | null;
}

/**
 * Bytes the kernel has not taken yet: what waits in the stream plus what
 * libuv still holds of the write in flight. `writableLength` counts the whole
 * write in flight until it completes, even the part already sent.
 */
function unsent(socket: Socket): number {
  const { _writableState: state, _handle: handle } = socket as unknown as WritableInternals;
  if (!state || !state.writing || handle?.writeQueueSize === undefined) return socket.writableLength;
  return state.length - state.writelen + handle.writeQueueSize;
}
