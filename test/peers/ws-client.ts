/**
 * The WebSocket test client crossws's shared cases import (`wsConnect` of its test/_utils.ts), written for
 * the harness: the vitest config points their import here. undici's WebSocket through an Agent that records
 * the handshake's answer (status, status text, headers), with the messages queued for `next()`; the sockets
 * a case opened are closed after it. The recorder wraps whichever of undici's handler callbacks the
 * connection uses (undici 7's `onHeaders`/`onUpgrade`, or the newer `onResponseStart`/`onRequestUpgrade`).
 * @module
 */
import { Agent, type Dispatcher, WebSocket } from "undici";
import { afterEach } from "vitest";

const open = new Set<WebSocket>();
afterEach(() => {
  for (const ws of open) ws.close();
  open.clear();
});

type RawHeaders = (Buffer | string)[] | Record<string, string | string[] | undefined> | null;

/** Header names in lower case, repeated values joined with ", ". */
function headerRecord(raw: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  };
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) add(String(raw[i]), String(raw[i + 1]));
  } else if (raw) {
    for (const [name, value] of Object.entries(raw)) {
      for (const one of [value ?? []].flat()) add(name, one);
    }
  }
  return out;
}

/** An Agent that keeps what the server answered to the handshake. */
class HandshakeRecorder extends Agent {
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  error?: Error;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const wrapped = Object.create(handler);
    const inner = handler as Record<string, ((...args: any[]) => unknown) | undefined>;
    const wrap = (name: string, record: (...args: any[]) => void) => {
      const original = inner[name];
      if (typeof original !== "function") return;
      wrapped[name] = (...args: any[]) => {
        record(...args);
        return original.apply(handler, args);
      };
    };
    const answer = (status: number, headers: RawHeaders, statusText?: string) => {
      this.status = status;
      if (statusText !== undefined) this.statusText = statusText;
      this.headers = headerRecord(headers);
    };
    wrap("onHeaders", (status, headers, _resume, statusText) => answer(status, headers, statusText));
    wrap("onUpgrade", (status, headers) => answer(status, headers));
    wrap("onResponseStart", (_controller, status, headers, statusText) => answer(status, headers, statusText));
    wrap("onRequestUpgrade", (_controller, status, headers) => answer(status, headers));
    wrap("onError", (error) => (this.error = error));
    wrap("onResponseError", (_controller, error) => (this.error = error));
    return super.dispatch(options, wrapped);
  }
}

/** A connected client: what crossws's cases read. */
export interface Connected {
  ws: WebSocket;
  /** Text as is, anything else as JSON `{ message }`. */
  send(data: unknown): Promise<void>;
  /** The next message not yet taken (JSON parsed when it starts with `{`), now or when it comes. */
  next(): Promise<any>;
  skip(count?: number): void;
  messages: unknown[];
  inspector: HandshakeRecorder;
  /** Set when the handshake failed. */
  error?: unknown;
}

/** Open a WebSocket to `url`; resolves once it is open, or with `error` set once it failed. */
export function wsConnect(url: string, options: { skip?: number; headers?: Record<string, string> } = {}): Promise<Connected> & Connected {
  const inspector = new HandshakeRecorder();
  const ws = new WebSocket(url, { headers: options.headers, dispatcher: inspector } as ConstructorParameters<typeof WebSocket>[1]);
  ws.binaryType = "arraybuffer";
  open.add(ws);
  const messages: unknown[] = [];
  const waiting = new Map<number, (message: unknown) => void>();
  let taken = options.skip ?? 0;
  ws.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
    const message = text.startsWith("{") ? JSON.parse(text) : text;
    messages.push(message);
    waiting.get(messages.length - 1)?.(message);
    waiting.delete(messages.length - 1);
  });
  const client: Connected = {
    ws,
    messages,
    inspector,
    send: async (data) => ws.send(typeof data === "string" ? data : JSON.stringify({ message: data })),
    next() {
      const at = taken++;
      return at < messages.length ? Promise.resolve(messages[at]) : new Promise((resolve) => waiting.set(at, resolve));
    },
    skip(count = 1) {
      taken += count;
    },
  };
  const settled = new Promise<Connected>((resolve) => {
    ws.addEventListener("open", () => resolve(client));
    ws.addEventListener("error", (event) => {
      client.error = event;
      resolve(client);
    });
  });
  return Object.assign(settled, client);
}
