/**
 * What a runtime gives `serveStatic()`: looking files up and sending them
 * its own fastest way (Bun.file, Deno's file readable, a Node file stream
 * written straight to the socket). The rules (paths, ranges, validators)
 * are written once in src/static; each adapter implements this.
 * @module
 */

/** A path as found on disk, symlinks resolved. */
export interface FoundFile {
  /** The real path: absolute, every symlink resolved. */
  real: string;
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** Status and headers of a file response: a list, each name once. */
export interface FileInit {
  status: number;
  headers: [string, string][];
  /**
   * The request has a Range this response does not apply (a 200 for the whole
   * file: a Range omniserve ignores, or one If-Range turned off). A runtime
   * server that applies Range to file bodies on its own must be kept from it.
   */
  rangeIgnored: boolean;
  /**
   * A file gone by the time it is opened has another answer than the 404
   * (the `fallthrough`, or the file itself for a precompressed sibling):
   * serveStatic() can give it only while it still holds the request, so a
   * runtime that opens the file later (when it sends it) checks it now.
   * False: the runtime's server may answer a file gone at its open with
   * serveStatic()'s own 404 (Bun, see adapters/bun/_files.ts).
   */
  fallback: boolean;
}

/** The file facilities of one runtime. POSIX paths (`/`-separated). */
export interface FileHost {
  /**
   * Resolve `path` and stat what it names; undefined when nothing is there (a
   * missing file or folder on the way). `known` is a real folder `path` starts
   * with: only the parts after it are looked at. Synchronous, as nginx looks
   * files up: on a local disk these calls take microseconds, less than a trip
   * to a thread pool and back (on Bun the async pair cost about 20% of
   * sending a 1 MiB file).
   */
  find(path: string, known?: string): FoundFile | undefined;
  /**
   * A Response with `init`, whose body is bytes `start` to `end` (included)
   * of `file` (as this request's lookup found it), sent the runtime's fastest
   * way. Undefined when the path no longer opens as a regular file: removed
   * since the lookup, a folder or a FIFO in its place, a dangling symlink,
   * or unreadable. The request then gets what a missing file gets.
   */
  respond(file: FoundFile, start: number, end: number, init: FileInit): Response | undefined;
}

const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG"]);
/** Opening a file the lookup found: also a file made unreadable since (a server that may not read it has nothing to send). */
const UNOPENABLE = new Set([...MISSING, "EACCES", "EPERM"]);

const codeOf = (error: unknown): string => (error as { code?: string } | null)?.code ?? "";

/** True for an error that means "nothing is there" (the same codes on Node, Deno and Bun): a 404, not a 500. */
export function isMissing(error: unknown): boolean {
  return MISSING.has(codeOf(error));
}

/** True for an error opening a found file that means it is not there to send any more: a 404, not a 500. */
export function isUnopenable(error: unknown): boolean {
  return UNOPENABLE.has(codeOf(error));
}

/** A stat result's fields omniserve reads. */
export interface StatFields {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** A runtime's synchronous file system calls (`S` is its stat result). */
export interface FsCalls<S> {
  /** The real path (libc realpath(3) where the runtime has it); throws when nothing is there. */
  realpath(path: string): string;
  stat(path: string): S;
  /** Like stat, for the link itself. */
  lstat(path: string): S;
  /** The fields of a stat result. */
  fields(stat: S): StatFields & { isSymbolicLink: boolean };
}

/**
 * `find` over a runtime's calls. Below a known real folder it walks the
 * parts with lstat: a path with no symlink is its own real path, and its last
 * lstat is its stat (one call for a file in the root, where realpath(3) looks
 * at every part from `/` and stat comes on top: 5.5 µs against 18 µs on Bun,
 * measured). At a symlink it falls back to realpath. "Nothing there" is
 * undefined, any other error is thrown (a 500, logged).
 */
export function finder<S>(fs: FsCalls<S>): FileHost["find"] {
  // Objects are built field by field: a rest/spread copy cost about a tenth of Bun's lookup (profiled).
  const found = (real: string, f: StatFields): FoundFile => ({ real, size: f.size, mtimeMs: f.mtimeMs, isFile: f.isFile, isDirectory: f.isDirectory });
  const resolved = (path: string): FoundFile => {
    const real = fs.realpath(path);
    return found(real, fs.fields(fs.stat(real)));
  };
  return (path, known) => {
    try {
      if (path === known) return found(path, fs.fields(fs.stat(path)));
      if (known === undefined || !path.startsWith(`${known}/`)) return resolved(path);
      let at = known.length;
      for (;;) {
        const next = path.indexOf("/", at + 1);
        const part = next < 0 ? path : path.slice(0, next);
        const fields = fs.fields(fs.lstat(part));
        if (fields.isSymbolicLink) return resolved(path);
        if (next < 0) return found(path, fields);
        if (!fields.isDirectory) return undefined; // a file in the middle of the path
        at = next;
      }
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };
}

/** A `node:fs` Stats, as far as it is read. */
export interface NodeStats {
  size: number;
  mtimeMs: number;
  /** The type bits and permissions (stat(2)'s st_mode). */
  mode: number;
}

/** st_mode's type bits (POSIX `S_IFMT`) and the three types looked at. */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Whether a path opens as a regular file now, from `node:fs`'s sync calls
 * (Node's, and Bun's, which are native), for a runtime that opens the file
 * again only when it sends it: the lookup's stat says what was there, not
 * that it can be opened. Opened non-blocking: a FIFO put in the file's place
 * would make a blocking open wait for a writer, and the whole server with it.
 * Three system calls: about 6 µs on Bun, 7.6 on Node (measured on a loaded
 * machine, against 2.6 and 4.3 for the lookup's lstat).
 */
export function nodeOpens(fs: {
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): NodeStats;
  closeSync(fd: number): void;
  constants: { O_RDONLY: number; O_NONBLOCK: number };
}): (path: string) => boolean {
  const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
  return (path) => {
    let fd: number;
    try {
      fd = fs.openSync(path, flags);
    } catch (error) {
      if (isUnopenable(error)) return false;
      throw error;
    }
    try {
      return (fs.fstatSync(fd).mode & S_IFMT) === S_IFREG;
    } finally {
      fs.closeSync(fd);
    }
  };
}

/** `find` from `node:fs`'s sync calls (Node's, and Bun's, which are native). */
export function nodeFinder(fs: {
  realpathSync: { native(path: string): string };
  statSync(path: string): NodeStats;
  lstatSync(path: string): NodeStats;
}): FileHost["find"] {
  return finder<NodeStats>({
    realpath: (path) => fs.realpathSync.native(path),
    stat: (path) => fs.statSync(path),
    lstat: (path) => fs.lstatSync(path),
    // The type from the mode bits: one property read where isFile(), isDirectory() and isSymbolicLink() were
    // three calls into Bun's native Stats (a tenth of the lookup there, profiled).
    fields: (s) => {
      const type = s.mode & S_IFMT;
      return { size: s.size, mtimeMs: s.mtimeMs, isFile: type === S_IFREG, isDirectory: type === S_IFDIR, isSymbolicLink: type === S_IFLNK };
    },
  });
}
