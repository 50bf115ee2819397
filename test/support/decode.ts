/**
 * Decode a compressed body: gzip and Brotli with node:zlib; Zstandard too
 * where this Node has it (22.15+), else with Bun's node:zlib in a child
 * process (Node 20 has no Zstandard).
 */
import { spawnSync } from "node:child_process";
import zlib from "node:zlib";
import { runtimeBinary } from "../../dist/cli/runtime.js";

export function decode(coding: string | undefined, body: Buffer): Buffer {
  switch (coding) {
    case undefined:
      return body;
    case "gzip":
      return zlib.gunzipSync(body);
    case "br":
      return zlib.brotliDecompressSync(body);
    case "zstd": {
      const z = zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer };
      if (z.zstdDecompressSync) return z.zstdDecompressSync(body);
      const script = "process.stdout.write(require('node:zlib').zstdDecompressSync(require('node:fs').readFileSync(0)))";
      const out = spawnSync(runtimeBinary("bun"), ["-e", script], { input: body, maxBuffer: 1 << 26 });
      if (out.status !== 0) throw new Error(`zstd decode failed: ${out.stderr}`);
      return out.stdout;
    }
    default:
      throw new Error(`no decoder for ${coding}`);
  }
}
