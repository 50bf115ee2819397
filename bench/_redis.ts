/**
 * The Redis of the cross-instance scenario: one redis-server (Debian's, as the
 * tests use) started on first need and killed when the bench exits, with its
 * CPU use readable so the run can report Redis's own share.
 * @module
 */
import process from "node:process";
import { startRedis, type TestRedis } from "../test/support/redis.ts";
import { cpuSeconds } from "./_process.ts";

let redis: Promise<TestRedis> | undefined;

/** The bench's redis-server, started once. */
export function benchRedis(): Promise<TestRedis> {
  return (redis ??= startRedis().then((r) => {
    process.on("exit", () => void r.stop());
    return r;
  }));
}

/** CPU seconds the bench's redis-server used so far (0 before it starts). */
export async function redisCpuSeconds(): Promise<number> {
  if (!redis) return 0;
  const pid = (await redis).pid;
  return pid === undefined ? 0 : cpuSeconds(pid);
}
