/**
 * A describe block that runs alongside its sibling blocks marked the same way,
 * while its own cases still run one after another. A file that registers the
 * conformance suite twice (h2 and h2c), three times (each runtime behind
 * `--workers 2`) or beside the https block spends most of its time waiting on
 * timers and sockets (the Deno h2 file used 31 s of CPU in 164 s), so its
 * blocks, each with its own server, can overlap. `describe.concurrent` cannot say this: it would make
 * every case inside concurrent too, and a block's cases share its server and
 * read its log. vitest groups a parent's children by each child's own
 * `concurrent` flag, so the flag is set on the block alone.
 */
import type { SuiteCollector } from "vitest";

/** Mark `block` (what `describe()` returned) to run alongside its marked siblings; its cases stay in order. */
export function alongside(block: SuiteCollector): void {
  if (!block.suite) throw new Error("alongside(): the block has no suite to mark");
  block.suite.concurrent = true;
}
