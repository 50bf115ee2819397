/**
 * A Response body as the Fetch standard reads it, the same on every runtime:
 * a value that is none of the body types (a number, a plain object, an
 * array) is its string, with the text content-type. Bun took an array as
 * Blob parts (`[1, 2]` sent "12") and Deno refused one with a TypeError;
 * Node's and Bun's responses did not show the text content-type for a number.
 * Async iterables are left to the runtime (Node and Bun send them). And a
 * status text that is no reason phrase is a TypeError when the Response is
 * made (Bun took any; Node's light Response failed only when sent).
 * @module
 */

/** `body`, or its string where the standard converts it to one. */
export function standardBody(body: unknown): unknown {
  if (body === null || body === undefined || typeof body === "string") return body;
  if (typeof body !== "object") return `${body as number}`; // a Symbol throws its TypeError here, as the standard says
  if (isBodyObject(body)) return body;
  return `${body as object}`;
}

function isBodyObject(body: object): boolean {
  return ArrayBuffer.isView(body) || body instanceof ArrayBuffer || body instanceof Blob || body instanceof ReadableStream ||
    body instanceof URLSearchParams || isFormData(body) || Symbol.asyncIterator in body;
}

/** A FormData body, told without reading `globalThis.FormData` (which loads undici on Node). */
export function isFormData(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === "FormData";
}

/** A ResponseInit status as WebIDL reads it (`unsigned short`): `"204"` is 204, 200.7 is 200. */
export function webidlStatus(status: unknown): number {
  const whole = Math.trunc(Number(status));
  return Number.isFinite(whole) ? ((whole % 65536) + 65536) % 65536 : 0;
}

/** The statuses whose responses have no body (the Fetch standard's null body statuses). */
export const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** RFC 9112's reason-phrase: tabs, spaces, visible ASCII and obs-text. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Throw the standard's TypeError for a status text that is no reason phrase. */
export function checkStatusText(statusText: string | undefined): void {
  if (statusText !== undefined && !REASON_PHRASE.test(statusText)) {
    throw new TypeError(`Response constructor: invalid statusText ${JSON.stringify(statusText)}`);
  }
}
