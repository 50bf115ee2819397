/**
 * The HTTP scenarios written the way a `node:http` user writes them, with no
 * Request/Response objects: the control every Node contender is measured against.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Buffer } from "node:buffer";
import { CHUNK, CHUNKS } from "../apps/_payload.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

const hello: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain;charset=UTF-8" });
  res.end("Hello, World!");
};

const json: Handler = (req, res) =>
  readBody(req, (body) => {
    const text = JSON.stringify(JSON.parse(body.toString("utf8")));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(text);
  });

const headers: Handler = (req, res) => {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith("x-bench-")) res.setHeader(name, raw[i + 1]);
  }
  res.setHeader("content-type", "text/plain;charset=UTF-8");
  res.end("ok");
};

const stream: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream" });
  let sent = 0;
  const pump = (): void => {
    while (sent < CHUNKS) {
      sent++;
      if (!res.write(CHUNK)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
};

const upload: Handler = (req, res) =>
  readBody(req, (body) => {
    res.writeHead(200, { "content-type": "text/plain;charset=UTF-8" });
    res.end(String(body.length));
  });

export const NODE_HANDLERS: Record<string, Handler> = { hello, json, headers, stream, upload };
