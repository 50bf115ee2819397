/**
 * A 304 and the 200 it stands for. RFC 9110 15.4.5: a 304 carries the Vary
 * and ETag its 200 would have, and a 304 has no content headers to tell
 * whether compress() would have coded that 200. serveStatic() records the
 * 200's head beside its 304; compress() reads it and edits the 304 as it
 * would that 200. Nothing is added to what goes on the wire.
 * @module
 */

const standing = new WeakMap<Response, Headers>();

/** A 304 with `headers`, standing for a 200 whose head is `full`. */
export function notModified(headers: [string, string][], full: [string, string][]): Response {
  const response = new Response(null, { status: 304, headers });
  standing.set(response, new Headers(full));
  return response;
}

/** The head of the 200 a 304 stands for, when the 304 was made by notModified(). */
export function standsFor(response: Response): Headers | undefined {
  return standing.get(response);
}
