/**
 * The bytes of the static and compression scenarios, the same for every
 * contender: a 1 MiB file in a fixed folder (written on first use), and
 * about 100 KiB of JSON.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { join } from "node:path";

/** The folder every static contender serves (nginx included). */
export const STATIC_DIR: string = join(tmpdir(), "omniserve-bench-static");
/** The file's name; served at `/` as the folder's index. */
export const STATIC_NAME = "1mib.bin";
export const STATIC_SIZE: number = 1024 * 1024;
export const STATIC_FILE: string = join(STATIC_DIR, STATIC_NAME);

/** Write the 1 MiB file unless it is there (a pattern, so a wrong offset shows in the check). */
export function ensureStaticFile(): string {
  try {
    if (statSync(STATIC_FILE).size === STATIC_SIZE) return STATIC_FILE;
  } catch {
    // not there yet
  }
  mkdirSync(STATIC_DIR, { recursive: true });
  const bytes = new Uint8Array(STATIC_SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  // A name of this process's own, then a rename: a contender (or another bench run) starting at the same
  // time never sees half a file.
  const tmp = `${STATIC_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, STATIC_FILE);
  return STATIC_FILE;
}

/** About 100 KiB of JSON, the body of the compression scenarios. */
export const JSON_100K: string = JSON.stringify(
  Array.from({ length: 1340 }, (_, i) => ({ id: i, name: `item ${i}`, price: Math.round(i * 137) / 100, tags: ["a", "b", i % 7 ? "c" : "d"], ok: i % 3 === 0 })),
);
