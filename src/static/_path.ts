/**
 * From a request URL to a path inside the served folder, or a refusal. The
 * URL is parsed the WHATWG way first, as Bun already does for `request.url`
 * (Node and Deno pass the target through): `..`, `%2e%2e` and backslashes
 * resolve the same on every runtime, and never above `/`. Each segment is
 * then decoded and refused when it could name something else on disk: an
 * encoded `/` or `\`, a NUL or other control byte, invalid or overlong
 * UTF-8, an empty segment (`//`), `.` or `..`, and, per `dotfiles`, a name
 * starting with a dot. Symlinks are the file host's part (see _serve-static.ts).
 * @module
 */
import type { StaticOptions } from "../types.ts";

/** A path to look up: its segments, decoded, and whether the URL ends with `/`. */
export interface FilePath {
  /** The decoded segments, joined with `/` (empty for the root). */
  relative: string;
  /** The URL names a folder (`/dir/`). */
  folder: boolean;
  /** The pathname as the URL has it (for the redirect from `/dir` to `/dir/`). */
  pathname: string;
}

/** 403: a path that tries to reach outside, or a dotfile with `dotfiles: "deny"`; 404: a dotfile with `"ignore"`. */
export type Refusal = 403 | 404;

/** True when a decoded segment holds a control character (NUL included), `/` or `\\`. */
function forbidden(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2f /* / */ || c === 0x5c /* \ */) return true;
  }
  return false;
}

/** Where `url` points inside the root, or the status that refuses it. */
export function filePath(url: URL, dotfiles: NonNullable<StaticOptions["dotfiles"]>): FilePath | Refusal {
  const pathname = url.pathname;
  const parts = pathname.split("/");
  // parts[0] is the empty string before the leading slash; a trailing slash leaves one more.
  const folder = parts[parts.length - 1] === "";
  const last = folder ? parts.length - 1 : parts.length;
  const decoded: string[] = [];
  for (let i = 1; i < last; i++) {
    const raw = parts[i];
    if (raw === "") return 403;
    let segment = raw;
    if (raw.includes("%")) {
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return 403; // malformed escapes, invalid or overlong UTF-8
      }
    }
    if (forbidden(segment) || segment === "." || segment === "..") return 403;
    if (segment.charCodeAt(0) === 46 /* . */ && dotfiles !== "allow") return dotfiles === "deny" ? 403 : 404;
    decoded.push(segment);
  }
  return { relative: decoded.join("/"), folder, pathname };
}
