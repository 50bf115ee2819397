/**
 * Response-likes from other libraries. srvx's and @hono/node-server's light
 * Responses put `Response.prototype` in their prototype chain, so they pass
 * `instanceof Response`, but Deno.serve and Bun.serve send only their own
 * Response objects (Deno answers 500, Bun an empty 204). On those runtimes
 * such an object is rebuilt as a native Response from its status, headers
 * and body; one that cannot be read is an error like any non-Response.
 * @module
 */
import { OmniserveError } from "./_errors.ts";

/**
 * A function that passes the runtime's own Responses through untouched (one
 * prototype comparison for the classes in `own`, a brand check for any other
 * subclass) and rebuilds anything else. Throws ERR_INVALID_RESPONSE for an
 * object that cannot be read as a Response.
 */
export function nativeResponses(Native: typeof Response, ...own: { prototype: object }[]): (response: Response) => Response {
  const first = Native.prototype;
  const second = own[0]?.prototype ?? first;
  // The runtime's own `status` getter throws for an object it did not make (Illegal invocation).
  const brand = Object.getOwnPropertyDescriptor(Native.prototype, "status")!.get!;
  const isOwn = (value: unknown): boolean => {
    try {
      brand.call(value);
      return true;
    } catch {
      return false;
    }
  };
  return (response) => {
    const proto = Object.getPrototypeOf(response);
    if (proto === first || proto === second || isOwn(response)) return response; // the runtime's, or a subclass
    try {
      // srvx's light Response keeps the native one it builds as `_response` (srvx's own Deno
      // and Bun adapters unwrap it so): that one keeps a fixed-size body's type and length.
      const inner = (response as { _response?: unknown })._response;
      if (inner !== undefined && isOwn(inner)) return inner as Response;
      // Otherwise status, body, then headers: a lazy Response-like builds its native one for
      // the body, and its headers then show the content-type the body gave it.
      const { status, statusText } = response;
      const body = response.body;
      return new Native(body, { status, statusText, headers: response.headers });
    } catch (error) {
      const name = (response as object).constructor?.name ?? "object";
      throw new OmniserveError(
        "ERR_INVALID_RESPONSE",
        `handler returned a Response-like ${name} that cannot be sent: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
  };
}
