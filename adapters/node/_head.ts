/**
 * One pass over a request head's raw headers for the framing and Host checks
 * Node's parser leaves to the server, without building `req.headers` (which
 * Node does lazily, at a cost, on first access).
 * @module
 */
import { transferEncodingProblem } from "../../src/_transfer-encoding.ts";
import { origin } from "../../src/_url.ts";

/**
 * The most header fields a request may carry: Bun's bound (measured on 1.4.5: 198 served, 199 get 431). Node's
 * own (`maxHeadersCount`, about 1,000 fields) drops the fields past it without a word, so a client could push
 * a header a proxy appended out of the app's sight: the adapter lifts Node's (the 16 KiB head bound still holds
 * the count to a few thousand) and answers 431 past this one.
 */
export const MAX_HEADER_FIELDS = 198;

/** What the checks need from a request head. */
export interface Head {
  host: string | undefined;
  hosts: number;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
}

/** Read Host, Content-Length and Transfer-Encoding from Node's rawHeaders. */
export function scanHead(raw: string[]): Head {
  const head: Head = { host: undefined, hosts: 0, contentLength: undefined, transferEncoding: undefined };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    switch (name.length) {
      case 4:
        if (name === "Host" || name.toLowerCase() === "host") {
          head.hosts++;
          head.host ??= raw[i + 1];
        }
        break;
      case 14:
        if (name.toLowerCase() === "content-length") head.contentLength = raw[i + 1];
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") {
          head.transferEncoding = head.transferEncoding === undefined ? raw[i + 1] : `${head.transferEncoding}, ${raw[i + 1]}`;
        }
        break;
    }
  }
  return head;
}

/**
 * Why RFC 9112 says 400 for this head, or undefined when it is fine: more than
 * one Host, or an empty or invalid one, in origin or asterisk form (3.2), a
 * Transfer-Encoding that is not `chunked` alone (`transferEncodingProblem`:
 * Node's parser refuses one whose final coding is not chunked only after the
 * request event, so the adapter's 400 goes first, and reads `gzip, chunked` as
 * chunked), or any Transfer-Encoding in an HTTP/1.0 request, whose framing 6.1
 * calls faulty (Node's parser reads it as chunked; Deno and Bun answer 400).
 */
export function headProblem(head: Head, absoluteForm: boolean, http10: boolean): string | undefined {
  if (head.hosts > 1) return "more than one Host header";
  if (head.hosts === 1 && !absoluteForm) {
    if (head.host === "") return "empty Host header";
    if (origin("http", head.host!) === null) return "invalid Host header";
  }
  const te = head.transferEncoding;
  if (te === undefined) return undefined;
  return http10 ? "Transfer-Encoding in an HTTP/1.0 request" : transferEncodingProblem(te);
}
