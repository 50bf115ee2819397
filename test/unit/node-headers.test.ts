/**
 * The Node adapter's lazy request Headers behave exactly like a real Headers
 * built from the same raw pairs.
 */
import { describe, expect, test } from "vitest";
import { NodeHeaders } from "../../adapters/node/_headers.ts";

const RAW = [
  "Host", "x.test",
  "Accept", "text/html",
  "X-Multi", "one",
  "cookie", "a=1",
  "accept", "application/json",
  "Set-Cookie", "s=1",
  "set-cookie", "t=2",
  "Cookie", "b=2",
  "Content-Type", "text/plain",
];

function pairsOf(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

describe("NodeHeaders", () => {
  test("NodeHeaders reads like a real Headers: get, has, iteration, getSetCookie", () => {
    const lazy = new NodeHeaders(RAW) as unknown as Headers;
    const real = new Headers(pairsOf(RAW));
    for (const name of ["host", "ACCEPT", "x-multi", "cookie", "set-cookie", "content-type", "missing"]) {
      expect(lazy.get(name), name).toBe(real.get(name));
      expect(lazy.has(name), name).toBe(real.has(name));
    }
    expect([...lazy]).toEqual([...real]);
    expect([...lazy.keys()]).toEqual([...real.keys()]);
    expect([...lazy.values()]).toEqual([...real.values()]);
    expect(lazy.getSetCookie()).toEqual(real.getSetCookie());
    const seen: string[] = [];
    lazy.forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toEqual([...real].map(([n, v]) => `${n}=${v}`));
    expect(lazy instanceof Headers).toBe(true);
    expect(Object.prototype.toString.call(lazy)).toBe("[object Headers]");
  });

  test("NodeHeaders changes go to a real Headers and stay consistent", () => {
    const lazy = new NodeHeaders(RAW) as unknown as Headers;
    lazy.set("x-multi", "replaced");
    lazy.append("accept", "*/*");
    lazy.delete("cookie");
    const real = new Headers(pairsOf(RAW));
    real.set("x-multi", "replaced");
    real.append("accept", "*/*");
    real.delete("cookie");
    expect([...lazy]).toEqual([...real]);
    expect(lazy.get("accept")).toBe("text/html, application/json, */*");
  });

  test("NodeHeaders iterates many headers in any arrival order as a real Headers does, with fresh pairs each time", () => {
    const raw: string[] = [];
    for (let i = 40; i > 0; i--) raw.push(i % 3 ? `X-H-${i}` : `x-h-${i % 7}`, `v${i}`);
    raw.push("A", "first", "Z", "last", "set-cookie", "u=3");
    const lazy = new NodeHeaders(raw) as unknown as Headers;
    const real = new Headers(pairsOf(raw));
    expect([...lazy]).toEqual([...real]);
    const [first] = lazy;
    first[1] = "changed";
    expect([...lazy]).toEqual([...real]);
  });

  test("NodeHeaders builds a real Request's headers", () => {
    const request = new Request("http://x.test/", { headers: new NodeHeaders(RAW) as unknown as Headers });
    expect([...request.headers]).toEqual([...new Headers(pairsOf(RAW))]);
  });
});
