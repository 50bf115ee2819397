/** logRequestError: one line that names the error by its string code, else its name. */
import { expect, test, vi } from "vitest";
import { logRequestError } from "../../src/_log.ts";
import { OmniserveError } from "../../src/_errors.ts";

function line(error: unknown): string {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  logRequestError(error);
  const first = String(spy.mock.calls[0][0]);
  spy.mockRestore();
  return first.split("\n")[0]; // the line; the test's own frames follow it
}

test("logRequestError names a DOMException by its name, not its numeric legacy code", () => {
  expect(line(new DOMException("The connection was closed.", "AbortError"))).toBe("omniserve: AbortError The connection was closed.");
});

test("logRequestError names an error with a string code by the code", () => {
  expect(line(new OmniserveError("ERR_BODY_TOO_LARGE", "too big"))).toBe("omniserve: ERR_BODY_TOO_LARGE too big");
  expect(line(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBe("omniserve: ECONNRESET aborted");
});

test("logRequestError shows a thrown value that is no Error by its contents", () => {
  expect(line({ status: 400, reason: "bad" })).toBe('omniserve: thrown {"status":400,"reason":"bad"}');
  expect(line({ big: 1n })).toBe("omniserve: thrown [object Object]");
  expect(line({ text: "x".repeat(300) })).toBe(`omniserve: thrown {"text":"${"x".repeat(191)}…`);
  expect(line("plain string")).toBe("omniserve: plain string");
});
