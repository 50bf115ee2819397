/**
 * The Content-Type of each file part of a multipart/form-data body, read
 * from the parts' own headers. Bun's parser stops reading a part's headers
 * once it has the name and file name, so its File types come from the file
 * name's extension instead (oven-sh/bun#33012); _request-body.ts puts these
 * back. Only the part headers are read: the bytes between are skipped with
 * `indexOf`, never copied. Also the one check Bun's parser leaves out: a
 * delimiter line ending in a bare LF, which Bun reads as an empty form.
 * @module
 */
import { Buffer } from "node:buffer";

/** The boundary of a multipart/form-data Content-Type, or undefined for any other type. */
export function multipartBoundary(contentType: string | null): string | undefined {
  if (contentType === null || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? m[1] ?? m[2] : undefined;
}

/**
 * For each part that carries a file name, in body order: its Content-Type,
 * or "text/plain" when it names none (as the Fetch standard's multipart
 * parser says).
 */
export function filePartTypes(body: Uint8Array, boundary: string): string[] {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const types: string[] = [];
  let at = bytes.indexOf(delimiter);
  while (at >= 0) {
    const after = at + delimiter.length;
    if (bytes[after] === 45 /* - */ && bytes[after + 1] === 45) break; // the closing delimiter
    const headStart = bytes.indexOf("\r\n", after) + 2;
    const headEnd = bytes.indexOf("\r\n\r\n", headStart);
    if (headStart < 2 || headEnd < 0) break;
    const head = bytes.toString("latin1", headStart, headEnd);
    if (/^content-disposition:[^\r\n]*;\s*filename\s*=/im.test(head)) {
      types.push(/^content-type:[ \t]*([^\r\n]*?)[ \t]*$/im.exec(head)?.[1] || "text/plain");
    }
    at = bytes.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd + 4);
    if (at >= 0) at += 2;
  }
  return types;
}

/**
 * True when the body's first delimiter line ends in a bare LF (RFC 2046 5.1.1
 * asks for CRLF): Node and Deno reject such a body, Bun finds no parts in it.
 */
export function delimiterEndsInLf(body: Uint8Array, boundary: string): boolean {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const at = bytes.indexOf(`--${boundary}`);
  if (at < 0) return false;
  let end = at + 2 + Buffer.byteLength(boundary);
  while (bytes[end] === 32 || bytes[end] === 9) end++; // transport padding
  return bytes[end] === 10;
}
