/** The matrix `omniserve test` prints (cli/_matrix.ts). */
import { describe, expect, test } from "vitest";
import { formatMatrix } from "../../cli/_matrix.ts";

describe("formatMatrix()", () => {
  test("formatMatrix() lists tests whose outcome differs", () => {
    const text = formatMatrix([
      { runtime: "node", ok: true, exitCode: 0, durationMs: 1200, tests: { a: "passed", b: "passed" } },
      { runtime: "deno", ok: false, exitCode: 1, durationMs: 900, tests: { a: "passed", b: "failed" } },
    ]);
    expect(text).toContain("node     pass    1.2s    2/2");
    expect(text).toContain("deno     fail    0.9s    1/2");
    expect(text).toContain("tests that differ between runtimes:\n  b\n    node: passed, deno: failed");
    expect(text).not.toMatch(/^\s+a$/m);
  });
});
