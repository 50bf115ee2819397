/**
 * Request heads at the edges of RFC 9112's grammar, where each runtime's parser has its own reading: empty
 * lines before a request line, spaces in it, Transfer-Encoding lists, HTTP/1.0 without Host. Each shape is
 * answered the same way on every runtime, or by a named exception; none is read one way here and another way
 * by a proxy in front.
 */
import { describe, expect } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function heads(s: Suite): void {
  const { exception } = s;
  describe("request heads", () => {
    s.http1Only("empty lines before a request line are skipped (RFC 9112 2.2): before the first request, and after a body before the next", async () => {
      const hello = get(s.url(), "/hello");
      const post = "POST /body/text HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab";
      // [name, request, answers: "status body", closed]
      const cases: [string, string, number][] = [
        ["one CRLF first", `\r\n${hello}`, 1],
        ["two CRLFs first", `\r\n\r\n${hello}`, 1],
        ["a CRLF after a body", `${post}\r\n${hello}`, 2], // what RFC 9112 2.2 says old clients send after a POST
      ];
      const seen: [string, string[], boolean][] = [];
      for (const [name, request, count] of cases) {
        const { responses, closed } = await s.exchange(s.url(), request, { responses: count, timeoutMs: 3000 });
        seen.push([name, responses.map((r) => `${r.status} ${r.body}`), closed]);
      }
      if (exception("bunLeadingEmptyLine400")) {
        expect(seen).toEqual([["one CRLF first", ["400 "], true], ["two CRLFs first", ["400 "], true], ["a CRLF after a body", ["200 2", "400 "], true]]);
      } else {
        expect(seen).toEqual([
          ["one CRLF first", ["200 Hello, World!"], false],
          ["two CRLFs first", ["200 Hello, World!"], false],
          ["a CRLF after a body", ["200 2", "200 Hello, World!"], false],
        ]);
      }
      expect((await s.exchange(s.url(), hello)).responses[0].status).toBe(200);
    });

    s.http1Only("a request line with two spaces between its parts gets 400 (RFC 9112 3: one SP), but for Node", async () => {
      const cases: [string, string, number][] = [
        ["after the method", "GET  /hello HTTP/1.1\r\nHost: x\r\n\r\n", 400],
        ["before the version", "GET /hello  HTTP/1.1\r\nHost: x\r\n\r\n", exception("bun505") ? 505 : 400],
      ];
      const seen: [string, number][] = [];
      for (const [name, request] of cases) {
        const { responses } = await s.exchange(s.url(), request, { timeoutMs: 3000 });
        seen.push([name, responses[0]?.status ?? 0]);
      }
      // nodeRequestLineSpaces: Node's parser skips the extra spaces and the app is served.
      expect(seen).toEqual(cases.map(([name, , status]) => [name, exception("nodeRequestLineSpaces") ? 200 : status]));
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("a Transfer-Encoding other than chunked alone gets 400, never a body read still coded; a request pipelined behind is not answered", async () => {
      const chunkedBody = "\r\n\r\n2\r\nab\r\n0\r\n\r\n";
      const cases: [string, string][] = [
        ["gzip, chunked", "Transfer-Encoding: gzip, chunked"],
        ["gzip then chunked, two fields", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked"],
        ["identity, chunked", "Transfer-Encoding: identity, chunked"],
        ["an empty element first", "Transfer-Encoding: , chunked"],
        ["an empty element last", "Transfer-Encoding: chunked, "],
        ["an empty field, then chunked", "Transfer-Encoding: \r\nTransfer-Encoding: chunked"],
        ["chunked, then an empty field", "Transfer-Encoding: chunked\r\nTransfer-Encoding: "],
      ];
      const logged = s.server().stderrLength();
      const seen: [string, number[], boolean][] = [];
      for (const [name, te] of cases) {
        const request = `POST /body/text HTTP/1.1\r\nHost: x\r\n${te}${chunkedBody}${get(s.url(), "/hello")}`;
        const { responses, closed } = await s.exchange(s.url(), request, { responses: 2, timeoutMs: 2000 });
        seen.push([name, responses.map((r) => r.status), closed]);
      }
      // denoRefusalKeepsConnection: Deno.serve answers the request behind the adapter's 400 (for the shapes its own
      // parser takes) on the same connection.
      const denoTakes = ["gzip, chunked", "gzip then chunked, two fields"];
      expect(seen).toEqual(cases.map(([name]) =>
        exception("denoRefusalKeepsConnection") && denoTakes.includes(name) ? [name, [400, 200], false] : [name, [400], true]
      ));
      // A chunked body alone is read, in any case.
      const plain = `POST /body/text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked${chunkedBody}`;
      const { responses } = await s.exchange(s.url(), plain);
      expect([responses[0].status, responses[0].body.toString()]).toEqual([200, "2"]);
      await s.sleep(100);
      // The app never ran: no line of its own (a refusal omniserve made itself has one of omniserve's).
      expect(s.server().stderr(logged)).not.toMatch(/^omniserve: POST \/body\/text/m);
    });

    s.http1Only("an HTTP/1.0 request without Host is served, its URL on the server's own address", async () => {
      const { responses } = await s.exchange(s.url(), "GET /url/x HTTP/1.0\r\n\r\n");
      const seen = [responses[0]?.status, responses[0]?.body.toString()];
      const { port } = new URL(s.url());
      // bunHostNotValidated: Bun's request.url is the bare target (`/url/x`), which the fixture cannot route (404).
      if (exception("bunHostNotValidated")) expect(seen).toEqual([404, "not found"]);
      else if (exception("denoHostOptional")) expect(seen).toEqual([200, `http://localhost:${port}/url/x`]);
      else expect(seen).toEqual([200, `${s.url()}/url/x`]);
    });
  });
}
