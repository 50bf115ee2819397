/**
 * Media types from the maintained MIME database (`mime-db`, the data behind
 * `mime-types` and Express): which type a file extension means, with the
 * charset browsers need for text, and whether a type is worth compressing.
 * The database (200 KB of JSON, 5-30 ms to load) is loaded when
 * `serveStatic()` or `compress()` is first called, never at import, so an
 * app that uses neither never pays for it.
 * @module
 */
import type MimeDb from "mime-db";

let db: typeof MimeDb | undefined;
let loading: Promise<void> | undefined;

/** Start loading the database (once); resolves when the functions below can be called. */
export function loadMime(): Promise<void> {
  return (loading ??= import("mime-db").then((module) => {
    db = module.default;
  }));
}

/** True once the database is loaded. */
export function mimeLoaded(): boolean {
  return db !== undefined;
}

function database(): typeof MimeDb {
  if (!db) throw new Error("mime-db is not loaded yet: await loadMime() first");
  return db;
}

/** When two types claim an extension: a later source wins over an earlier one (IANA is the standard). */
const SOURCE_RANK: Record<string, number> = { nginx: 1, apache: 2, iana: 3 };

let byExtension: Map<string, string> | undefined;

function extensions(): Map<string, string> {
  if (byExtension) return byExtension;
  const db = database();
  const map = new Map<string, string>();
  const rank = new Map<string, number>();
  for (const type of Object.keys(db)) {
    const entry = db[type];
    const r = SOURCE_RANK[entry.source ?? ""] ?? 0;
    for (const ext of entry.extensions ?? []) {
      const held = rank.get(ext);
      // A tie goes to the type that is not application/ (video/mp4 over application/mp4, as mime-types does).
      if (held !== undefined && (held > r || (held === r && !map.get(ext)!.startsWith("application/")))) continue;
      map.set(ext, type);
      rank.set(ext, r);
    }
  }
  return (byExtension = map);
}

/**
 * The Content-Type for a file name: its extension's type from the database,
 * with `charset=utf-8` for text and for types the database gives a charset;
 * `application/octet-stream` when the extension is unknown.
 */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  const slash = name.lastIndexOf("/");
  if (dot <= slash + 1) return "application/octet-stream";
  const extension = name.slice(dot + 1).toLowerCase();
  const known = contentTypes.get(extension);
  if (known !== undefined) return known;
  const type = extensions().get(extension);
  if (!type) return "application/octet-stream";
  const charset = database()[type].charset ?? (type.startsWith("text/") ? "UTF-8" : undefined);
  const contentType = charset ? `${type}; charset=${charset.toLowerCase()}` : type;
  contentTypes.set(extension, contentType); // bounded: only the database's extensions get here
  return contentType;
}

/** The Content-Type of each extension asked for so far. */
const contentTypes = new Map<string, string>();

/**
 * True when a body of this Content-Type is worth compressing: the database's
 * `compressible` flag, else text and the `+json`, `+xml` and `+text` suffixes
 * (the rule of the `compressible` package). `application/octet-stream` says
 * "unknown bytes": the database marks it compressible, but it is usually
 * already compressed, and Bun labels every untyped binary body with it, so
 * following the database would compress on Bun what Node and Deno send as is.
 */
export function isCompressible(contentType: string | null): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === "application/octet-stream") return false;
  const db = database();
  const known = Object.hasOwn(db, type) ? db[type].compressible : undefined;
  if (known !== undefined) return known;
  return type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml") || type.endsWith("+text");
}
