import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that run longest (measured on this branch, 2 shared cores), in the order to start them: longest
 * first, the CPU-heavy bench smokes and soak spread among the conformance files, which mostly wait. With no timings of its own (a
 * fresh clone, as on CI) vitest starts larger files first, and these are a few lines each (one call of a
 * shared suite), so they started last and the last of them ran on alone while the other worker idled. A list
 * out of date only costs order, never a case.
 */
const LONGEST_FIRST = [
  "test/http/deno-h2.test.ts",
  "test/http/workers.test.ts",
  "test/http/node-h2.test.ts",
  "test/http/node.test.ts",
  "test/bench/node.test.ts",
  "test/http/node24.test.ts",
  "test/http/deno.test.ts",
  "test/http/bun.test.ts",
  "test/bench/deno.test.ts",
  "test/http/bun-h2.test.ts",
  "test/soak.test.ts",
  "test/bench/bun.test.ts",
];

/** vitest's order (failed first, then by last duration or size), with {@link LONGEST_FIRST} ahead of the rest. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b)); // stable: the rest keep vitest's order
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Apps and user tests under test/fixture are run by the tests, not by this config.
    exclude: ["test/fixture/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each runtime's suite spawns its own server; two files at a time fits 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
  },
});
