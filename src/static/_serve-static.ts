/**
 * `serveStatic({ root })`: files from a folder, written once over the file
 * host of the runtime (see _files.ts). The order of a request: method, path
 * (refusals), lookup (symlinks leaving the root are refused), folder index
 * or redirect, precompressed sibling, preconditions (304/412), range
 * (206/416), then the file, which the runtime sends its own way.
 * @module
 */
import { OmniserveError } from "../_errors.ts";
import { textResponse as plain } from "../_text-response.ts";
import { contentTypeFor, loadMime, mimeLoaded } from "../_mime.ts";
import { notModified } from "../_not-modified.ts";
import { ranked } from "../compress/_accept.ts";
import type { Encoding, ServerContext, StaticHandler, StaticOptions } from "../types.ts";
import { entityTag, httpDate, ifRangeHolds, preconditions, type Validators } from "./_conditional.ts";
import type { FileHost, FoundFile } from "./_files.ts";
import { parseRange } from "./_range.ts";
import { targets, type Verdict } from "./_targets.ts";

/** The signature of `serveStatic`, for the adapters to export. */
export type ServeStatic = (options: StaticOptions) => StaticHandler;

const SIBLING: Readonly<Record<Encoding, string>> = { br: ".br", zstd: ".zst", gzip: ".gz" };
const PRECOMPRESSED_ORDER: readonly Encoding[] = ["br", "zstd", "gzip"];

interface Config {
  host: FileHost;
  /** The real path of the root, without a trailing slash. */
  root: string;
  /** The root as found: a folder. */
  rootFound: FoundFile;
  index: string | false;
  /** The root's index file, and its Content-Type. */
  rootIndex: { file: string; type: string } | undefined;
  /** From `request.url` to what it names (kept per URL, see _targets.ts). */
  target: (url: string) => Verdict;
  etag: boolean;
  lastModified: boolean;
  cacheControl: string;
  precompressed: readonly Encoding[];
  fallthrough: StaticOptions["fallthrough"];
}

/** `serveStatic()` over a runtime's file host. */
export function makeServeStatic(host: FileHost): ServeStatic {
  return (options) => {
    const config = configure(host, options);
    const mime = loadMime();
    // Sync results stay sync: a Promise costs Bun's server its fast path for every file.
    return (request, ctx) => (mimeLoaded() ? serve(config, request, ctx) : mime.then(() => serve(config, request, ctx)));
  };
}

function bad(message: string): OmniserveError {
  return new OmniserveError("ERR_BAD_ARGUMENT", `serveStatic(): ${message}`);
}

/** Check the options once, at start-up: a missing root is an error now, not a 404 per request. */
function configure(host: FileHost, options: StaticOptions): Config {
  if (typeof options?.root !== "string" || options.root === "") throw bad("root must be the path of a folder");
  const found = host.find(options.root);
  if (!found?.isDirectory) {
    throw new OmniserveError(
      "ERR_STATIC_ROOT",
      `serveStatic(): root ${options.root} ${found ? "is not a folder" : "does not exist"}`,
    );
  }
  const index = options.index ?? "index.html";
  if (index !== false && (typeof index !== "string" || index === "" || index.includes("/"))) {
    throw bad("index must be a file name (or false)");
  }
  const maxAge = options.maxAge ?? 0;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw bad("maxAge must be a whole number of seconds, 0 or more");
  const dotfiles = options.dotfiles ?? "deny";
  if (!["deny", "ignore", "allow"].includes(dotfiles)) throw bad('dotfiles must be "deny", "ignore" or "allow"');
  const pre = options.precompressed ?? false;
  const precompressed = pre === true ? PRECOMPRESSED_ORDER : pre === false ? [] : pre;
  if (!Array.isArray(precompressed) || precompressed.some((e) => !(e in SIBLING))) {
    throw bad('precompressed must be true, false or a list of "br", "zstd" and "gzip"');
  }
  const root = found.real.replace(/\/+$/, "");
  return {
    host,
    root,
    rootFound: { ...found, real: root },
    index,
    rootIndex: undefined,
    target: targets(root, dotfiles),
    etag: options.etag ?? true,
    lastModified: options.lastModified ?? true,
    cacheControl: `public, max-age=${maxAge}${options.immutable ? ", immutable" : ""}`,
    precompressed,
    fallthrough: options.fallthrough,
  };
}

function serve(c: Config, request: Request, ctx: ServerContext | undefined): Response | Promise<Response> {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") {
    if (c.fallthrough) return c.fallthrough(request, ctx);
    return plain(method, 405, "Method Not Allowed", { allow: "GET, HEAD" });
  }
  const target = c.target(request.url);
  if (target === 400) return plain(method, 400, "Bad Request");
  if (target === 403) return plain(method, 403, "Forbidden");
  if (target === 404) return notFound(c, request, ctx);
  const path = target.path;
  let type = target.type;
  // The root is a folder (checked at start-up): no stat for it; a root gone since then is a 404 at its index.
  let file = path.relative === "" ? c.rootFound : find(c, target.file, c.root);
  if (file === "outside") return plain(method, 403, "Forbidden");
  if (file?.isDirectory) {
    if (!path.folder) return redirect(`${path.pathname}/${target.search}`);
    if (c.index === false) return notFound(c, request, ctx);
    const index = file === c.rootFound ? (c.rootIndex ??= { file: `${c.root}/${c.index}`, type: contentTypeFor(c.index) }) : undefined;
    type = index ? index.type : contentTypeFor(c.index);
    file = find(c, index ? index.file : `${file.real}/${c.index}`, file.real);
    if (file === "outside") return plain(method, 403, "Forbidden");
  } else if (path.folder) {
    return notFound(c, request, ctx); // `/file.txt/` names a folder that is not one
  }
  if (!file?.isFile) return notFound(c, request, ctx);
  // Undefined: the file no longer opens as one (gone since the lookup, say), so what a missing file gets.
  return send(c, request, file, type) ?? notFound(c, request, ctx);
}

/** Look `path` up (below `known`, a real folder); "outside" when a symlink leads out of the root. */
function find(c: Config, path: string, known?: string): FoundFile | "outside" | undefined {
  const file = c.host.find(path, known);
  if (file && file.real !== c.root && !file.real.startsWith(`${c.root}/`)) return "outside";
  return file;
}

/**
 * Send `original` with the Content-Type `type`, that of the name asked for
 * (a symlink's target may be named otherwise). Headers are built as a list: a
 * runtime sends a list as it is, where a Headers object costs a sorted walk
 * (undici's, on Node, measured in the sender). Undefined when the file does
 * not open as one any more (FileHost.respond).
 */
function send(c: Config, request: Request, original: FoundFile, type: string, siblings = true): Response | undefined {
  let file = original;
  let encoding: Encoding | undefined;
  if (c.precompressed.length && siblings) {
    for (const accepted of ranked(request.headers.get("accept-encoding"), c.precompressed)) {
      const sibling = find(c, original.real + SIBLING[accepted], original.real.slice(0, original.real.lastIndexOf("/")));
      if (sibling && sibling !== "outside" && sibling.isFile) {
        file = sibling;
        encoding = accepted;
        break;
      }
    }
  }
  const v: Validators = {
    etag: c.etag ? entityTag(file.size, file.mtimeMs, encoding ? `-${encoding}` : "") : undefined,
    modified: c.lastModified ? Math.floor(file.mtimeMs / 1000) : undefined,
  };
  // RFC 9110 15.4.5: a 304 carries the validators, Cache-Control and Vary, and no content headers.
  const headers: [string, string][] = [["cache-control", c.cacheControl]];
  // Each coding of the file is its own representation (RFC 9110 8.4): Vary on every one of them.
  if (c.precompressed.length) headers.push(["vary", "Accept-Encoding"]);
  if (v.etag) headers.push(["etag", v.etag]);
  if (v.modified !== undefined) headers.push(["last-modified", httpDate(v.modified)]);
  const decided = preconditions(request.headers, v);
  if (decided === 304) {
    // The 200's head beside it, for compress() to give the 304 the Vary and ETag that 200 would get.
    const full: [string, string][] = [...headers, ["content-type", type], ["content-length", String(file.size)]];
    if (encoding) full.push(["content-encoding", encoding]);
    return notModified(headers, full);
  }
  if (decided === 412) return plain(request.method, 412, "Precondition Failed");
  const size = file.size;
  const rangeHeader = request.method === "GET" ? request.headers.get("range") : null;
  const range = rangeHeader !== null && ifRangeHolds(request.headers.get("if-range"), v)
    ? parseRange(rangeHeader, size)
    : undefined;
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { "content-range": `bytes */${size}`, "accept-ranges": "bytes" } });
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  headers.push(["content-type", type], ["accept-ranges", "bytes"], ["content-length", String(end - start + 1)]);
  if (encoding) headers.push(["content-encoding", encoding]);
  if (range) headers.push(["content-range", `bytes ${start}-${end}/${size}`]);
  const status = range ? 206 : 200;
  // HEAD: the GET's headers, Content-Length included, and no body for the runtime to open.
  if (request.method === "HEAD" || size === 0) return new Response(null, { status, headers });
  const fallback = c.fallthrough !== undefined || encoding !== undefined;
  const response = c.host.respond(file, start, end, { status, headers, rangeIgnored: rangeHeader !== null && !range, fallback });
  // A precompressed sibling gone since its lookup: the file itself, as if the sibling had never been there.
  return response ?? (encoding ? send(c, request, original, type, false) : undefined);
}

function notFound(c: Config, request: Request, ctx: ServerContext | undefined): Promise<Response> | Response {
  if (c.fallthrough) return c.fallthrough(request, ctx);
  return fileNotFound(request.method);
}

/** serveStatic()'s 404, also what a runtime's server sends for a file gone by the time it opens it (FileInit.fallback). */
export function fileNotFound(method: string): Response {
  return plain(method, 404, "Not Found");
}

function redirect(location: string): Response {
  return new Response(null, { status: 301, headers: { location } });
}
