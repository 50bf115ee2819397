/**
 * What reaches the wire: status, header names (compared case-insensitively,
 * as HTTP defines them) and values, and body are the same on every runtime;
 * the case and order of header names are each runtime's own; the rest that
 * differs is a named exception, asserted here.
 */
import { describe, expect, test } from "vitest";
import { get, type RawResponse } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

/** Header names (lower case) and values as sent, sorted, with Date's value left out. */
const headers = (res: RawResponse) => res.headers.map(([n, v]) => n === "date" ? `${n}: <date>` : `${n}: ${v}`).sort();

export function wire(s: Suite): void {
  const { exception } = s;
  describe("wire", () => {
    s.http1Only("a response's status line, header names and values, and body are the same", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/hello"));
      const res = responses[0];
      expect(res.head.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
      expect(headers(res)).toEqual([
        "content-length: 13",
        `content-type: ${exception("bunCharsetLowercase") ? "text/plain;charset=utf-8" : "text/plain;charset=UTF-8"}`,
        "date: <date>",
      ].sort());
      expect(res.body.toString()).toBe("Hello, World!");
    });

    s.http1Only("an HTTP/1.0 request gets the same headers and body; Deno answers as HTTP/1.0", async () => {
      const { responses } = await s.exchange(s.url(), `GET /hello HTTP/1.0\r\nHost: ${new URL(s.url()).host}\r\n\r\n`);
      const res = responses[0];
      expect(res.head.split("\r\n")[0]).toBe(exception("denoHttp10StatusLine") ? "HTTP/1.0 200 OK" : "HTTP/1.1 200 OK");
      expect(headers(res)).toEqual([
        "content-length: 13",
        `content-type: ${exception("bunCharsetLowercase") ? "text/plain;charset=utf-8" : "text/plain;charset=UTF-8"}`,
        "date: <date>",
      ].sort());
      expect(res.body.toString()).toBe("Hello, World!");
    });

    test("a HEAD response carries one Date, as GET does (immutable headers too)", async () => {
      for (const path of ["/hello", "/redirect"]) {
        const { responses } = await s.exchange(s.url(), get(s.url(), path, "", "HEAD"), { heads: [true] });
        const dates = responses[0].headers.filter(([n]) => n === "date").map(([, v]) => v);
        expect(dates).toHaveLength(1);
        expect(dates[0]).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      }
    });

    test("Response.json() goes out as application/json (Bun adds charset=utf-8)", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/json"));
      const type = responses[0].headers.find(([n]) => n === "content-type")?.[1];
      expect(type).toBe(exception("bunJsonCharset") ? "application/json;charset=utf-8" : "application/json");
      expect(responses[0].body.toString()).toBe('{"ok":true}');
    });
  });
}
