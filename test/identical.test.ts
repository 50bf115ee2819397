/**
 * The same request gives the same status, headers (framing and Date aside)
 * and bytes on node, deno and bun: serveStatic() and compress() fixtures on
 * all three at once, every answer compared with Node's. Where a named
 * exception says a runtime differs, the difference is checked to be exactly
 * that one.
 */
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { SpawnedServer } from "../dist/cli/spawn.js";
import type { Runtime } from "../src/types.ts";
import { decode } from "./support/decode.ts";
import { applies } from "./support/exceptions.ts";
import { exchange, get, type RawResponse } from "./support/http-client.ts";
import { served } from "./support/served.ts";
import { headersOf, validatorsOf } from "./support/static-site.ts";

const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
type Ask = [app: "static" | "compress", method: string, path: string, headers?: string];

const { etag } = validatorsOf("text.txt");
const ASKS: Ask[] = [
  ["static", "GET", "/text.txt"],
  ["static", "HEAD", "/text.txt"],
  ["static", "GET", "/"],
  ["static", "GET", "/pixel.png"],
  ["static", "GET", "/unknown.zzqx"],
  ["static", "GET", "/sub?x=1"],
  ["static", "GET", "/missing.txt"],
  ["static", "GET", "/.env"],
  ["static", "GET", "/..%2fstatic-outside%2fsecret.txt"],
  ["static", "GET", "/text.txt", "Range: bytes=-100\r\n"],
  ["static", "GET", "/text.txt", "Range: bytes=999999-\r\n"],
  ["static", "GET", "/text.txt", `If-None-Match: ${etag}\r\n`],
  ["static", "GET", "/pre/app.js", "Accept-Encoding: gzip, br, zstd\r\n"],
  ["static", "GET", "/gz/data.json", "Accept-Encoding: gzip\r\n"],
  ["static", "HEAD", "/gz/data.json", "Accept-Encoding: br\r\n"],
  ["static", "POST", "/text.txt"],
  // Found probing the three side by side (each was answered differently, or wrongly, before).
  ["static", "GET", "/text.txt", "Range: bytes = 0-9\r\n"],
  ["static", "GET", "/text.txt", "Range: bytes=0-9\r\nRange: bytes=20-29\r\n"],
  ["static", "GET", "/text.txt", `Range: bytes=0-9\r\nIf-Range: W/${etag}\r\n`],
  ["static", "GET", "/text.txt", "If-Modified-Since: 2030\r\n"],
  ["static", "GET", "/text.txt", `If-None-Match: "x"${etag}"\r\n`],
  ["static", "HEAD", "/missing.txt"],
  ["compress", "GET", "/json", "Accept-Encoding: gzip, deflate, br, zstd\r\n"],
  ["compress", "GET", "/json", "Accept-Encoding: gzip\r\n"],
  ["compress", "GET", "/stream", "Accept-Encoding: gzip\r\n"],
  ["compress", "GET", "/small", "Accept-Encoding: gzip\r\n"],
  ["compress", "GET", "/threshold-0/small", "Accept-Encoding: gzip\r\n"],
  ["compress", "GET", "/png", "Accept-Encoding: gzip\r\n"],
  ["compress", "GET", "/etag", "Accept-Encoding: br\r\n"],
  ["compress", "GET", "/json", "Accept-Encoding: identity;q=0\r\n"],
  ["compress", "HEAD", "/json", "Accept-Encoding: br\r\n"],
];

describe("serveStatic() and compress() on node, deno and bun", () => {
  const servers = new Map<string, () => SpawnedServer>();
  for (const runtime of RUNTIMES) {
    for (const app of ["static", "compress"]) servers.set(`${runtime} ${app}`, served(`test/fixture/${app}-app.ts`, runtime));
  }

  async function ask(runtime: Runtime, [app, method, path, headers = ""]: Ask): Promise<RawResponse> {
    const url = servers.get(`${runtime} ${app}`)!().url;
    const { responses } = await exchange(url, get(url, path, headers, method), { heads: [method === "HEAD"] });
    return responses[0];
  }

  /** What is compared: status, headers without framing, and the body (decoded when compressed). */
  function view(runtime: Runtime, res: RawResponse, name: string) {
    const headers = headersOf(res);
    const coding = headers["content-encoding"];
    if (applies("bunFileDisposition", runtime) && headers["content-disposition"] === `filename="${name}"`) {
      delete headers["content-disposition"];
    }
    // A compressed body's length is its compressor's (compressedBytes): compared as "the body's own length".
    if (coding && headers["content-length"] === String(res.body.length)) headers["content-length"] = "the body's length";
    const body = res.body.length ? decode(coding, res.body) : res.body; // a HEAD has no body to decode
    const hash = (bytes: Buffer) => `${bytes.length} bytes, sha256 ${createHash("sha256").update(bytes).digest("hex")}`;
    return { status: res.status, headers, body: hash(body), raw: hash(res.body) };
  }

  test("the same requests get the same status, headers and bytes on node, deno and bun", async () => {
    for (const ask_ of ASKS) {
      const label = ask_.join(" ");
      const name = ask_[2].split("/").pop()!;
      const node = view("node", await ask("node", ask_), name);
      for (const runtime of ["deno", "bun"] as Runtime[]) {
        const other = view(runtime, await ask(runtime, ask_), name);
        expect({ ...other, raw: undefined }, `${runtime}: ${label}`).toEqual({ ...node, raw: undefined });
        // Compressed bytes are each runtime's compressor's; uncompressed ones are the same bytes.
        const compressed = node.headers["content-encoding"] !== undefined && ask_[0] === "compress";
        if (!compressed || !applies("compressedBytes", runtime)) expect(other.raw, `${runtime}: ${label}`).toBe(node.raw);
      }
    }
  });
});
