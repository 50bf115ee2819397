/**
 * The Range header (RFC 9110 14.1.2, 14.2), one byte range at a time.
 * Anything omniserve does not serve as one range is ignored, as the RFC
 * allows, and the whole file goes out with 200: another unit, bad syntax,
 * several ranges (a Range with 1,000 parts costs one `indexOf`). Work is
 * linear in the header's length, with no regular expression on it.
 * @module
 */

/** Bytes `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Digits past this many are a number larger than any file (and than 2^53). */
const MAX_DIGITS = 15;

/**
 * The range of a file of `size` bytes that `header` asks for; `"unsatisfiable"`
 * for one that starts past the end (416); undefined to ignore the header.
 */
export function parseRange(header: string, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header.length < 7 || header.slice(0, 6).toLowerCase() !== "bytes=") return undefined;
  const spec = header.slice(6).trim();
  if (spec.includes(",")) return undefined;
  const dash = spec.indexOf("-");
  if (dash < 0) return undefined;
  // No whitespace inside a range (RFC 9110 14.1.2); the list's OWS around it is trimmed above.
  const first = spec.slice(0, dash);
  const last = spec.slice(dash + 1);
  if (first === "") {
    // A suffix: the last N bytes.
    const length = digits(last);
    if (length === undefined) return undefined;
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = digits(first);
  if (start === undefined) return undefined;
  let end = size - 1;
  if (last !== "") {
    const lastPos = digits(last);
    if (lastPos === undefined || lastPos < start) return undefined; // invalid: ignore (RFC 9110 14.1.1)
    end = Math.min(lastPos, size - 1);
  }
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

/**
 * A run of ASCII digits as a number (Infinity when too long to be a file
 * offset); undefined for anything else. Leading zeros do not count towards
 * the length: `0000000000000000000001` is 1.
 */
function digits(text: string): number | undefined {
  if (text === "") return undefined;
  let significant = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    if (significant < 0 && c !== 48) significant = i;
  }
  if (significant < 0) return 0;
  return text.length - significant > MAX_DIGITS ? Infinity : Number(text.slice(significant));
}
