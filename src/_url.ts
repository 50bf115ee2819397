/**
 * `request.url` as the Fetch standard's Request gives it: the URL parsed and
 * serialized (WHATWG URL), so the app sees the same string on every runtime.
 * Bun parses every request's URL; Node's request target and Deno's URL are
 * concatenated as sent, which kept dot segments (`/a/../b`), backslashes,
 * an upper-case host and a default port (`:80`) that `new URL()` removes.
 * Most URLs need nothing: a host already seen is looked up in a small cache,
 * and a path is parsed only when it holds something the parser would change.
 * @module
 */

/**
 * What the URL parser may rewrite in a path or query: a `.` segment (also
 * percent-encoded), a backslash, and any character outside those it always
 * keeps as they are (it percent-encodes spaces, quotes, non-ASCII, ...).
 */
const MAY_CHANGE = /\/\.|%2e|[^A-Za-z0-9\-._~!$&()*+,;=:@/?%[\]|^#]/i;

/** Hosts (`authority` as sent) → their serialization, per scheme; null for one that is no valid host. */
const seen = { http: new Map<string, string | null>(), https: new Map<string, string | null>() };
/** Enough for every name a server answers to; past it, hosts are parsed each time rather than remembered. */
const MAX_SEEN = 256;

/** `scheme://authority` as a URL serializes it (lower case, no default port), or null when it is not a valid host. */
export function origin(scheme: "http" | "https", authority: string): string | null {
  const cache = seen[scheme];
  let value = cache.get(authority);
  if (value === undefined) {
    value = parseOrigin(scheme, authority);
    if (cache.size < MAX_SEEN) cache.set(authority, value);
  }
  return value;
}

function parseOrigin(scheme: string, authority: string): string | null {
  // Userinfo or a path would make the parser read the authority differently; neither is a Host.
  if (authority === "" || /[@/\\?#]/.test(authority)) return null;
  try {
    return new URL(`${scheme}://${authority}`).origin;
  } catch {
    return null;
  }
}

/**
 * The URL of `target` (an origin-form request target, `/path?query`) on
 * `origin` (from {@link origin}), as `new Request()` would give it.
 */
export function standardUrl(origin: string, target: string): string {
  const url = origin + target;
  return MAY_CHANGE.test(target) ? new URL(url).href : url;
}

/**
 * A whole URL made standard (Deno's `request.url`); one that does not parse
 * (an invalid Host) is returned as it is.
 */
export function standardizeUrl(url: string): string {
  const scheme = url.charCodeAt(4) === 58 /* : */ ? "http" : "https";
  const start = scheme.length + 3;
  const end = url.indexOf("/", start);
  const host = origin(scheme, url.slice(start, end < 0 ? url.length : end));
  if (host === null) return url;
  return end < 0 ? `${host}/` : standardUrl(host, url.slice(end));
}
