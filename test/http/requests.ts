/**
 * What the handler sees of a request: the URL, Host rules, headers, ctx.ip, pipelining, 100-continue,
 * and that it is a full standard Request (cloned, inspected, forwarded).
 */
import net from "node:net";
import { describe, expect, test } from "vitest";
import { get } from "../support/http-client.ts";
import type { Suite } from "./_suite.ts";

export function requests(s: Suite): void {
  const { exception } = s;
  describe("requests", () => {
    test("request.url is exact: scheme, host, port and percent-encoding preserved", async () => {
      const path = "/url/a%20b/%7Euser/%2F?q=%2F%20&x=1#";
      const { responses } = await s.exchange(s.url(), get(s.url(), path.replace("#", "")));
      expect(responses[0].body.toString()).toBe(`${s.url()}${path.replace("#", "")}`);
    });

    test("request.url is the URL as the standard serializes it: dot segments resolved, backslash as slash, host in lower case, no default port", async () => {
      const base = s.url();
      const defaultPort = base.startsWith("https:") ? 443 : 80;
      const cases: [string, string, string][] = [
        // [target, Host, request.url]
        ["/url/a/../b/./c", new URL(base).host, `${base}/url/b/c`],
        ["/url/a/%2e%2E/b", new URL(base).host, `${base}/url/b`],
        ["/url/a\\b?q='1'", new URL(base).host, `${base}/url/a/b?q=%271%27`],
        ["/url/x", `EXAMPLE.test:${defaultPort}`, `${base.split(":")[0]}://example.test/url/x`],
        ["/url/x", "127.1:08", `${base.split(":")[0]}://127.0.0.1:8/url/x`],
      ];
      for (const [target, host, expected] of cases) {
        const { responses } = await s.exchange(s.url(), `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
        expect(responses[0].body.toString(), `${target} Host ${host}`).toBe(expected);
      }
    });

    s.http1Only("a Host that is no valid host (a space, userinfo, a trailing dot after the port) gets 400", async () => {
      for (const host of ["bad host", "user@example.test", "example.test:80."]) {
        const { responses } = await s.exchange(s.url(), `GET /url/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
        // Answered, with a request.url that does not parse (Bun's may have no authority, then the fixture finds no route).
        if (exception("bunHostNotValidated") || exception("denoHostOptional")) expect([200, 404], host).toContain(responses[0].status);
        else expect(responses[0].status, host).toBe(400);
      }
    });

    s.http1Only("raw bytes outside printable ASCII in the request target (UTF-8, a byte that is not UTF-8, DEL) get 400 (RFC 9112 3.2)", async () => {
      // [name, the raw bytes, how Deno and Bun percent-encode them in request.url where they serve it]
      const cases: [string, Buffer, string][] = [
        ["UTF-8 é", Buffer.from([0xc3, 0xa9]), "%C3%A9"],
        ["UTF-8 €", Buffer.from([0xe2, 0x82, 0xac]), "%E2%82%AC"],
        ["a lone 0xFF", Buffer.from([0xff]), "%EF%BF%BD"],
        ["a lone 0x80", Buffer.from([0x80]), "%EF%BF%BD"],
        ["DEL", Buffer.from([0x7f]), "%7F"],
      ];
      const seen: [string, number, string][] = [];
      const expected: [string, number, string][] = [];
      for (const [name, bytes, encoded] of cases) {
        const request = Buffer.concat([Buffer.from("GET /url/a"), bytes, Buffer.from(`?q=1 HTTP/1.1\r\nHost: ${new URL(s.url()).host}\r\n\r\n`)]);
        const res = (await s.exchange(s.url(), request, { timeoutMs: 3000 })).responses[0];
        seen.push([name, res?.status ?? 0, res?.status === 200 ? res.body.toString() : ""]);
        // The exceptions: the runtime serves it, and the app sees it as if it had been sent percent-encoded.
        const served = exception("bunRawTargetBytes") || (exception("denoUtf8Target") && name.startsWith("UTF-8"));
        expected.push([name, served ? 200 : 400, served ? `${s.url()}/url/a${encoded}?q=1` : ""]);
      }
      expect(seen).toEqual(expected);
      expect((await s.exchange(s.url(), get(s.url(), "/hello"))).responses[0].status).toBe(200);
    });

    s.http1Only("OPTIONS * (asterisk form) reaches the app with the server's root URL and /*", async () => {
      const { responses } = await s.exchange(s.url(), `OPTIONS * HTTP/1.1\r\nHost: EXAMPLE.test\r\n\r\n`);
      if (exception("bunAsteriskFormRefused")) expect(responses[0].status).toBe(400);
      else expect(responses[0].body.toString()).toBe("http://example.test/*");
    });

    s.http1Only("CONNECT (authority form) reaches the app with request.url http://host:port/ (Node closes it; Bun's URL has no scheme)", async () => {
      const { responses, closed } = await s.exchange(s.url(), "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n", { timeoutMs: 2000 });
      if (exception("nodeConnectClosed")) expect([responses.length, closed]).toEqual([0, true]);
      else if (exception("bunConnectUrl")) expect(responses[0].body.toString()).toBe("example.test:443");
      else expect(responses[0].body.toString()).toBe("http://example.test:443/");
    });

    s.http1Only("an absolute-form request target wins over the Host header", async () => {
      const { responses } = await s.exchange(s.url(), "GET http://abs.example:9/url?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
      expect(responses[0].body.toString()).toBe(
        exception("absoluteFormUsesHost") ? "http://other.example/url?q=1" : "http://abs.example:9/url?q=1",
      );
    });

    s.http1Only("an absolute-form request target cannot change the scheme: it is the connection's", async () => {
      for (const target of ["https://abs.example:9/url?q=1", "HTTP://abs.example:9/url?q=1"]) {
        const { responses } = await s.exchange(s.url(), `GET ${target} HTTP/1.1\r\nHost: other.example\r\n\r\n`);
        expect(responses[0].body.toString(), target).toBe(
          exception("absoluteFormUsesHost")
            ? "http://other.example/url?q=1"
            : exception("denoAbsoluteScheme")
            ? new URL(target).href // as sent (in lower case); over TLS the scheme is checked (test/_tls.ts)
            : "http://abs.example:9/url?q=1",
        );
      }
    });

    s.http1Only("a method the parsers know (PATCH, WebDAV's, QUERY) reaches the app; an unknown one (FOO, lower-case get) too, but for Node and Bun", async () => {
      for (const method of ["PATCH", "PROPFIND", "PURGE", "QUERY", "M-SEARCH"]) {
        const { responses } = await s.exchange(s.url(), get(s.url(), "/method", "", method));
        expect([method, responses[0]?.status, responses[0]?.body.toString()]).toEqual([method, 200, method]);
      }
      for (const method of ["FOO", "get"]) {
        const reply = await s.exchange(s.url(), get(s.url(), "/method", "", method));
        const seen = [method, reply.responses[0]?.status, reply.responses[0]?.body.toString(), reply.closed];
        if (exception("nodeKnownMethodsOnly")) expect(seen).toEqual([method, 400, expect.any(String), expect.any(Boolean)]);
        else if (exception("bunKnownMethodsOnly")) expect(seen).toEqual([method, undefined, undefined, true]);
        else expect(seen).toEqual([method, 200, method, false]);
      }
      expect((await s.exchange(s.url(), get(s.url(), "/method"))).responses[0].status).toBe(200);
    });

    s.http1Only("a HTTP/1.1 request without Host gets 400", async () => {
      const { responses } = await s.exchange(s.url(), "GET /url/x HTTP/1.1\r\n\r\n");
      if (exception("denoHostOptional")) {
        expect([responses[0].status, responses[0].body.toString()]).toEqual([200, `http://localhost:${new URL(s.url()).port}/url/x`]);
      } else {
        expect(responses[0].status).toBe(400);
      }
    });

    test("repeated request headers are joined with comma-space", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/headers", "X-Multi: one\r\nx-multi: two\r\nAccept: a\r\nAccept: b\r\n"));
      const seen = JSON.parse(responses[0].body.toString());
      expect(seen["x-multi"]).toBe("one, two");
      expect(seen["accept"]).toBe("a, b");
    });

    test("repeated Cookie headers are joined with semicolon-space", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/headers", "Cookie: a=1\r\nCookie: b=2\r\n"));
      expect(JSON.parse(responses[0].body.toString())["cookie"]).toBe("a=1; b=2");
    });

    describe("request is a full standard Request", () => {
      const post = (path: string) =>
        s.fetch(s.url() + path, { method: "POST", headers: { "x-a": "1" }, body: "hello" }).then(async (r) => [r.status, await r.json()]);
      const sent = { method: "POST", a: "1", b: null, body: "hello" };

      test("new Request(request) copies method, url, headers and body", async () => {
        expect(await post("/request/new")).toEqual([200, { ...sent, path: "/request/new" }]);
      });

      test("new Request(request, { headers }) takes the new headers", async () => {
        expect(await post("/request/new-init")).toEqual([200, { ...sent, path: "/request/new-init", a: null, b: "2" }]);
      });

      test("fetch(request, { headers }) sends the request on", async () => {
        if (exception("denoFetchServerRequest")) {
          expect(await post("/request/fetch-self")).toEqual([500, { threw: "TypeError: Blob URL fetch only supports GET method" }]);
          return;
        }
        expect(await post("/request/fetch-self")).toEqual([200, { ...sent, path: "/request/fetch-self", a: null, b: "2" }]);
      });

      test("request.headers can be changed; a fetch() result's, Response.error()'s and Response.redirect()'s cannot", async () => {
        const [status, seen] = await post("/request/headers-guards");
        const request = exception("denoRequestHeadersImmutable") && s.protocol === "http/1.1" ? "TypeError" : "changed";
        const responses = exception("bunResponseHeadersMutable") ? "changed" : "TypeError";
        expect([status, seen]).toEqual([200, [request, responses, responses, responses]]);
      });

      test("request.blob() takes its type from Content-Type; formData() of a body it cannot parse is a TypeError", async () => {
        const send = (type: string | undefined, body: string) =>
          s.fetch(s.url() + "/request/blob", { method: "POST", headers: type ? { "content-type": type } : {}, body: new TextEncoder().encode(body) })
            .then((r) => r.json());
        expect(await send("application/x-thing", "abc")).toEqual(["application/x-thing", 3, "TypeError"]);
        expect(await send("Text/Plain; Charset=UTF-8", "abcd")).toEqual(["text/plain;charset=utf-8", 4, "TypeError"]);
        expect(await send(undefined, "ab")).toEqual(["", 2, "TypeError"]);
        expect(await send("multipart/form-data; boundary=zz", "garbage")).toEqual(["multipart/form-data;boundary=zz", 7, "TypeError"]);
        expect(await send('multipart/form-data; boundary="zz"', "garbage")).toEqual(["multipart/form-data;boundary=zz", 7, "TypeError"]);
        expect(await send("application/x-www-form-urlencoded", "a=1")).toEqual(["application/x-www-form-urlencoded", 3, "parsed"]);
      });

      test("formData() gives each file part the type its Content-Type names", async () => {
        const form = new FormData();
        form.append("field", "value");
        form.append("photo", new File(["x"], "photo", { type: "image/webp" })); // no extension
        form.append("data", new File(["{}"], "a.txt", { type: "application/json" })); // an extension saying otherwise
        const seen = await (await s.fetch(s.url() + "/request/form", { method: "POST", body: form })).json();
        const data = exception("bunMultipartFileType") ? "application/json;charset=utf-8" : "application/json";
        expect(seen).toEqual([["field", "value"], ["photo", "photo", "image/webp", 1], ["data", "a.txt", data, 2]]);
        // An empty file input, as a browser sends it: filename="" (Bun's own parser names that File undefined).
        const empty = '--b\r\nContent-Disposition: form-data; name="empty"; filename=""\r\nContent-Type: application/x-thing\r\n\r\n\r\n--b--\r\n';
        const headers = { "content-type": "multipart/form-data; boundary=b" };
        expect(await (await s.fetch(s.url() + "/request/form", { method: "POST", body: empty, headers })).json()).toEqual([["empty", "", "application/x-thing", 0]]);
      });

      test("request.headers is one object for the request's life: a header set after clone() is the request's, not the clone's", async () => {
        const seen = await (await s.fetch(s.url() + "/request/headers-kept", { method: "POST", body: "x" })).json();
        if (exception("denoRequestHeadersImmutable") && s.protocol === "http/1.1") expect(seen).toEqual([true, "TypeError", null, null]);
        else expect(seen).toEqual([true, "set", "1", null]);
      });

      test("request.headers.get() and has() of a name that is none are TypeErrors, as for any Headers", async () => {
        const seen = await (await s.fetch(s.url() + "/request/header-name", { headers: { "x-a": "1" } })).json();
        expect(seen).toEqual(["TypeError", "TypeError", "1"]);
      });

      test("request.clone() reads the same body as the original", async () => {
        expect(await post("/request/clone")).toEqual([200, { clone: { ...sent, path: "/request/clone" }, original: "hello" }]);
      });

      test("request and request.headers can be inspected, before and after the body is read", async () => {
        const [status, seen] = await post("/request/inspect");
        expect(status).toBe(200);
        expect(seen.headers).toMatch(/^Headers \{[^]*'x-a': '1'/);
        expect(seen.request).toMatch(/^Request \{/);
        expect(seen.request).toContain("method: 'POST'"); // each runtime lists the fields in its own order
        expect(seen.request).toContain("'x-a': '1'");
        expect([seen.usedRequest, seen.bodyUsed]).toEqual([true, true]);
      });

      test("Object.fromEntries(request.headers) lists every header", async () => {
        const seen = await (await s.fetch(s.url() + "/headers", { headers: { "x-a": "1" } })).json();
        // HTTP/2 has :authority, not Host (test/http/h2.ts); the other headers are the same.
        const host = s.protocol === "http/1.1" || exception("bunH2HostHeader") ? new URL(s.url()).host : undefined;
        expect([seen["x-a"], seen.host]).toEqual(["1", host]);
      });

      test("fetch(url, request) and fetch(new Request(url, request)) forward method, headers and body", async () => {
        expect(await post("/request/forward")).toEqual([200, { ...sent, path: "/echo" }]);
        expect(await post("/request/fetch")).toEqual([200, { ...sent, path: "/echo" }]);
        const get = await s.fetch(s.url() + "/request/forward", { headers: { "x-a": "1" } });
        expect(await get.json()).toEqual({ method: "GET", path: "/echo", a: "1", b: null, body: "" });
      });
    });

    s.http1Only("fetch(url, request) forwards a chunked upload (Node's fetch refuses its Transfer-Encoding: a 500)", async () => {
      const logged = s.server().stderrLength();
      const host = new URL(s.url()).host;
      const { responses } = await s.exchange(s.url(), `POST /request/forward HTTP/1.1\r\nHost: ${host}\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
      if (exception("nodeFetchHopByHop")) {
        expect([responses[0].status, responses[0].body.toString()]).toEqual([500, "Internal Server Error"]);
        await s.sleep(100);
        expect(s.server().stderr(logged)).toMatch(/^omniserve: POST \/request\/forward: TypeError fetch failed/);
      } else {
        expect([responses[0].status, JSON.parse(responses[0].body.toString())]).toEqual([200, { method: "POST", path: "/echo", a: "1", b: null, body: "hello" }]);
      }
    });

    test("ctx.ip is the client address as plain IPv4", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/ip"));
      expect(responses[0].body.toString()).toBe("127.0.0.1");
    });

    test("keep-alive and pipelined requests are answered in order", async () => {
      const paths = ["/method", "/hello", "/bytes", "/json", "/method"];
      const { responses } = await s.exchange(s.url(), paths.map((p) => get(s.url(), p)).join(""), { responses: paths.length });
      expect(responses.map((r) => r.body.toString())).toEqual(["GET", "Hello, World!", "binary body", '{"ok":true}', "GET"]);
    });

    s.http1Only("a request pipelined behind a streamed response is answered after it, the stream whole", async () => {
      const { responses } = await s.exchange(s.url(), get(s.url(), "/stream-paced") + get(s.url(), "/hello"), { responses: 2, timeoutMs: 2000 });
      if (exception("bunPipelineBehindStream")) {
        // The stream stops after its first chunk and the second request is never answered.
        expect(responses.map((r) => [r.body.toString(), r.complete])).toEqual([["first,", false]]);
      } else {
        expect(responses.map((r) => [r.body.toString(), r.complete])).toEqual([["first,second", true], ["Hello, World!", true]]);
      }
    });

    s.http1Only("Expect: 100-continue gets its 100 before the body is sent", async () => {
      const { hostname, port } = new URL(s.url());
      const socket = net.connect(Number(port), hostname);
      let received = "";
      const sawContinue = new Promise<void>((resolve) => {
        socket.on("data", (chunk) => {
          received += chunk.toString("latin1");
          if (received.includes("100 Continue")) resolve();
        });
      });
      socket.write(`POST /body/text HTTP/1.1\r\nHost: ${new URL(s.url()).host}\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
      await sawContinue;
      const done = new Promise<void>((resolve) => socket.on("data", () => received.includes("\r\n\r\n5") && resolve()));
      socket.write("hello");
      await done;
      socket.destroy();
      expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    });
  });
}
