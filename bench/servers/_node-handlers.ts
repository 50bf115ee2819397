/**
 * The HTTP scenarios written the way a `node:http` user writes them, with no
 * Request/Response objects: the control every Node contender is measured against.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Buffer } from "node:buffer";
import { createReadStream } from "node:fs";
import zlib from "node:zlib";
import { CHUNK, CHUNKS } from "../apps/_payload.ts";
import { ensureStaticFile, JSON_100K, STATIC_SIZE } from "../apps/_files.ts";

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

const file = ensureStaticFile();

/** The file piped to the socket, as a `node:http` user serves a file they know. */
const staticFile: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(STATIC_SIZE) });
  createReadStream(file).pipe(res);
};

const JSON_BYTES = Buffer.from(JSON_100K);

/**
 * The JSON compressed by node:zlib at omniserve's levels (gzip 6, Brotli 4),
 * on the spot, as omniserve compresses a body this size (and as the fastest
 * raw code does: no thread-pool trip).
 */
function compressed(encoding: "gzip" | "br"): Handler {
  const headers = { "content-type": "application/json", "content-encoding": encoding, vary: "Accept-Encoding" };
  const compress = encoding === "gzip"
    ? () => zlib.gzipSync(JSON_BYTES, { level: 6 })
    : () => zlib.brotliCompressSync(JSON_BYTES, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
  return (_req, res) => {
    const out = compress();
    res.writeHead(200, headers);
    res.end(out);
  };
}

export const NODE_HANDLERS: Record<string, Handler> = {
  hello,
  json,
  headers,
  stream,
  upload,
  static: staticFile,
  gzip: compressed("gzip"),
  br: compressed("br"),
};
