/**
 * WebSockets on Node.js: answers `upgrade` events of the http.Server with
 * the shared upgrade decision, writes the 101 (or the refusal) itself, and
 * hands the socket to a {@link NodePeer}. Publishing encodes one frame and
 * writes those bytes to every subscriber.
 * @module
 */
import { createHash } from "node:crypto";
import { ServerResponse, STATUS_CODES, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { plainIp } from "../../src/_ip.ts";
import { CloseCode } from "../../src/ws/_close.ts";
import { encodeFrame, toPayload } from "../../src/ws/_frame.ts";
import { WsHub } from "../../src/ws/_hub.ts";
import type { PeerBase } from "../../src/ws/_peer.ts";
import { LocalPubSub, type PublishOptions } from "../../src/ws/_pubsub.ts";
import { UpgradeRequest } from "../../src/ws/_request.ts";
import { checkHandshake, decideUpgrade, isWebSocketUpgrade } from "../../src/ws/_upgrade.ts";
import type { WebSocketOptions } from "../../src/types.ts";
import { asBuffer, DEFLATE_THRESHOLD, deflateFrame, negotiateDeflate, PendingFrame } from "./_ws-deflate.ts";
import { requestUrl } from "./_request.ts";
import { NodePeer } from "./_ws-peer.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The WebSocket side of a NodeServer. */
export class NodeWebSockets {
  readonly hub: WsHub;
  readonly #fallback: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #scheme: "http" | "https";

  /** `fallback` serves upgrades that are not WebSocket (`Upgrade: h2c` from curl, say) as plain requests. */
  constructor(
    options: WebSocketOptions,
    fallback: (req: IncomingMessage, res: ServerResponse) => void,
    scheme: "http" | "https" = "http",
  ) {
    this.hub = new WsHub(options, new LocalPubSub(deliver));
    this.#fallback = fallback;
    this.#scheme = scheme;
  }

  /** The http.Server `upgrade` listener. */
  handle(req: IncomingMessage, duplex: Duplex, head: Buffer): void {
    const socket = duplex as Socket;
    socket.on("error", () => {});
    if (!isWebSocketUpgrade({ get: (name) => req.headers[name] as string | undefined })) return this.#plain(req, socket);
    const key = req.headers["sec-websocket-key"] as string;
    const bad = checkHandshake(req.method ?? "", req.headers.host, key, req.headers["sec-websocket-version"]);
    if (bad) return void writeResponse(socket, bad);
    // The Request is built only if the upgrade hook or the app reads peer.request: an idle
    // connection then holds a few strings, not a whole Request.
    const url = requestUrl(this.#scheme, req.url!, req.headers.host!); // checkHandshake saw a Host
    const raw = req.rawHeaders;
    const request = new UpgradeRequest((signal) => toRequest(url, raw, signal));
    const protocols = req.headers["sec-websocket-protocol"];
    const watch = watchClient(socket, () => request.close());
    decideUpgrade(this.hub.hooks, () => request.get(), Array.isArray(protocols) ? protocols.join(", ") : protocols ?? null).then(async (decision) => {
      const early = watch();
      if (early === undefined) return void socket.destroy();
      if (decision.refuse) return writeResponse(socket, decision.refuse);
      // A Date, as Deno and Bun send on the 101 (and Node's http.Server on every other response).
      let head101 = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n" +
        `sec-websocket-accept: ${createHash("sha1").update(key + GUID).digest("base64")}\r\n` +
        `date: ${new Date().toUTCString()}\r\n`;
      if (decision.protocol) head101 += `sec-websocket-protocol: ${decision.protocol}\r\n`;
      const compress = this.hub.limits.perMessageDeflate
        ? negotiateDeflate(req.headers["sec-websocket-extensions"])
        : undefined;
      if (compress) head101 += `sec-websocket-extensions: ${compress.header}\r\n`;
      socket.write(head101 + headerLines(decision.headers) + "\r\n", "latin1");
      const peer = new NodePeer(this.hub, socket, {
        request,
        remoteAddress: plainIp(socket.remoteAddress),
        context: decision.context,
        protocol: decision.protocol,
        extensions: compress?.header,
      }, compress);
      this.hub.idle.start();
      peer.start(early.length > 0 ? Buffer.concat([head, ...early]) : head);
    }).catch(() => socket.destroy());
  }

  /** Node emits `upgrade` for any Upgrade header; other protocols go to `fetch` on this socket, then close. */
  #plain(req: IncomingMessage, socket: Socket): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once("finish", () => {
      res.detachSocket(socket);
      socket.end();
    });
    this.#fallback(req, res);
  }

  /** Graceful stop: every peer gets 1001. */
  closeAll(): void {
    this.hub.closeAll(CloseCode.goingAway, "server shutting down");
  }
}

/**
 * Frame once (and compress once per window size, off the loop when large),
 * write the same bytes to every subscriber. `compress` decides as `peer.send`
 * does: by default 1 KiB or more.
 */
function deliver(
  subscribers: ReadonlySet<PeerBase>,
  data: unknown,
  except: PeerBase | undefined,
  options: PublishOptions | undefined,
): void {
  const { opcode, bytes } = toPayload(data);
  const compressible = options?.compress ?? bytes.length >= DEFLATE_THRESHOLD;
  let plain: Buffer | undefined;
  let packed: Map<number, Uint8Array | PendingFrame> | undefined;
  for (const peer of subscribers as ReadonlySet<NodePeer>) {
    if (peer === except) continue;
    const bits = peer._deflate?.windowBits;
    if (bits === undefined || !compressible) {
      peer._write(plain ??= asBuffer(encodeFrame(opcode, bytes)));
      continue;
    }
    packed ??= new Map();
    const frame = packed.get(bits) ?? deflateFrame(opcode, bytes, bits);
    packed.set(bits, frame);
    if (frame instanceof PendingFrame) peer._writeLater(frame);
    else peer._write(frame);
  }
}

/** Bytes a client may send before it has the 101 (RFC 6455 says it sends none). */
const EARLY_LIMIT = 64 * 1024;

/**
 * Read the socket while the upgrade hook decides, so a client that leaves
 * before the 101 is seen: it gets no open or close hook and the hook's
 * `request.signal` aborts, as on Bun and Deno. The returned function stops
 * watching and gives the bytes read meanwhile, or undefined when the client
 * left (or sent more than {@link EARLY_LIMIT}).
 */
function watchClient(socket: Socket, gone: () => void): () => Buffer[] | undefined {
  const early: Buffer[] = [];
  let size = 0;
  let left = false;
  const onData = (chunk: Buffer) => {
    early.push(chunk);
    if ((size += chunk.length) > EARLY_LIMIT) onEnd();
  };
  const onEnd = () => {
    left = true;
    gone();
  };
  socket.on("data", onData);
  socket.once("end", onEnd);
  socket.once("close", onEnd);
  return () => {
    socket.off("data", onData);
    socket.off("end", onEnd);
    socket.off("close", onEnd);
    return left || socket.destroyed ? undefined : early;
  };
}

function toRequest(url: string, raw: string[], signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return new Request(url, { headers, signal });
}

/** A head's header lines; written as Latin-1, one byte per character, as a Headers value means (a ByteString). */
function headerLines(headers: Headers): string {
  let out = "";
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out += `${name}: ${value}\r\n`;
  }
  for (const cookie of headers.getSetCookie()) out += `set-cookie: ${cookie}\r\n`;
  return out;
}

/** A refusal from the `upgrade` hook, written as plain HTTP/1.1, then close. */
async function writeResponse(socket: Socket, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  for (const name of ["content-length", "transfer-encoding", "connection"]) headers.delete(name);
  if (!headers.has("date")) headers.set("date", new Date().toUTCString());
  const text = STATUS_CODES[response.status] ?? ""; // the code's own phrase, as everywhere (see _response-head.ts)
  socket.end(Buffer.concat([
    Buffer.from(
      `HTTP/1.1 ${response.status} ${text}\r\n${headerLines(headers)}connection: close\r\ncontent-length: ${body.length}\r\n\r\n`,
      "latin1",
    ),
    body,
  ]));
}
