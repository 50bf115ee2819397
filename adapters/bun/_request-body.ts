/**
 * Two ways Bun's own Request reads its body differently from the Fetch
 * standard, and from Node and Deno (Bun 1.4.5):
 * - `blob()` takes no type from Content-Type (it says `text/plain;charset=utf-8`
 *   for a body it got as text, `""` after `clone()`); the standard gives the
 *   Blob the request's MIME type, lower-cased.
 * - `formData()` of a body it cannot parse throws a plain `Error`
 *   ("FormData missing final boundary"); the standard says TypeError. A body
 *   whose delimiter lines end in a bare LF it reads as an empty form; Node
 *   and Deno reject it, and so does this one.
 * While omniserve's globals are installed (see _response.ts), Bun's
 * Request.prototype carries these fixes. Both cost only a call that reads the body.
 * @module
 */

import { delimiterEndsInLf, filePartTypes, multipartBoundary } from "./_multipart-types.ts";

const nativeBlob = Request.prototype.blob;
const nativeFormData = Request.prototype.formData;

/** The type a Blob of a body with this Content-Type has: its MIME type without spaces, lower-cased; "" without one. */
export function blobType(contentType: string | null): string {
  if (contentType === null) return "";
  const [essence, ...params] = contentType.split(";");
  if (!/^[^\s/]+\/[^\s/]+$/.test(essence.trim())) return "";
  let type = essence.trim();
  for (const param of params) {
    const at = param.indexOf("=");
    if (at < 1) continue;
    const value = param.slice(at + 1).trim();
    // A quoted value that is a token is written bare, as the standard's MIME type serializer does (`boundary="b"` is `boundary=b`).
    type += `;${param.slice(0, at).trim()}=${/^"[!#$%&'*+.^_`|~0-9A-Za-z-]+"$/.test(value) ? value.slice(1, -1) : value}`;
  }
  return type.toLowerCase();
}

async function blob(this: Request): Promise<Blob> {
  const type = blobType(this.headers.get("content-type"));
  const body = await nativeBlob.call(this);
  // Not slice(..., type) or new Blob(..., { type }): Bun adds a charset to types it knows
  // (`text/javascript;charset=utf-8`), so the type is set on this Blob itself.
  if (body.type !== type) Object.defineProperty(body, "type", { value: type, enumerable: true });
  return body;
}

async function formData(this: Request): Promise<FormData> {
  const contentType = this.headers.get("content-type");
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) return parsed(nativeFormData.call(this));
  // Multipart: Bun types each file by its name's extension, so the parts' own types are put back.
  const body = new Uint8Array(await this.arrayBuffer());
  if (delimiterEndsInLf(body, boundary)) throw new TypeError("multipart/form-data delimiter line ends in a bare LF, not CRLF");
  const form = await parsed(new Response(body, { headers: { "content-type": contentType! } }).formData());
  return retyped(form, filePartTypes(body, boundary));
}

async function parsed(form: Promise<FormData>): Promise<FormData> {
  try {
    return await form;
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw new TypeError((error as Error)?.message ?? String(error), { cause: error });
  }
}

/**
 * `form` with each file given the type its part named (and, for `filename=""`, the name ""). Bun's FormData hands
 * out a new File on every read, so the entries are appended anew; Bun's File
 * still adds `;charset=utf-8` to a text type (`text/plain`, `application/json`).
 */
function retyped(form: FormData, types: string[]): FormData {
  const out = new FormData();
  let file = 0;
  for (const [name, value] of form) {
    if (typeof value === "string") {
      out.append(name, value);
      continue;
    }
    const type = types[file++] ?? value.type;
    const fileName = (value.name as string | undefined) ?? ""; // Bun: undefined for `filename=""`
    if (type === value.type && fileName === value.name) out.append(name, value);
    else out.append(name, new File([value], fileName, { type, lastModified: value.lastModified }));
  }
  return out;
}

/** Give Bun's Request the standard `blob()` and `formData()` (or, with `false`, Bun's own again). */
export function installRequestBody(on: boolean): void {
  const proto = Request.prototype as unknown as Record<string, unknown>;
  proto.blob = on ? blob : nativeBlob;
  proto.formData = on ? formData : nativeFormData;
}
