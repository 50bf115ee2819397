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

/** The file facilities of one runtime. POSIX paths (`/`-separated). */
export interface FileHost {
  /** The real path of `path`, synchronously (start-up checks), or undefined when nothing is there. */
  findSync(path: string): FoundFile | undefined;
  /** Resolve `path` and stat what it names; undefined when nothing is there (a missing file or folder on the way). */
  find(path: string): Promise<FoundFile | undefined>;
  /**
   * A Response with `init`, whose body is bytes `start` to `end` (included)
   * of the file at `real`, sent the runtime's fastest way.
   */
  respond(real: string, start: number, end: number, size: number, init: ResponseInit): Response | Promise<Response>;
}

const MISSING = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG"]);

/** True for an error that means "nothing is there" (the same codes on Node, Deno and Bun): a 404, not a 500. */
export function isMissing(error: unknown): boolean {
  return MISSING.has((error as { code?: string } | null)?.code ?? "");
}

/** A stat result's fields omniserve reads. */
export interface StatFields {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** A runtime's file system calls, in the shape of `node:fs` (`S` is its stat result). */
export interface FsCalls<S> {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<S>;
  realpathSync(path: string): string;
  statSync(path: string): S;
  /** The fields of a stat result. */
  fields(stat: S): StatFields;
}

/**
 * `find` and `findSync` over a runtime's calls: the real path and the stat,
 * both at once (two trips to a thread pool cost one trip's wait); "nothing
 * there" is undefined, any other error is thrown (a 500, logged).
 */
export function lookups<S>(fs: FsCalls<S>): Pick<FileHost, "find" | "findSync"> {
  const found = (real: string, stat: S): FoundFile => ({ real, ...fs.fields(stat) });
  return {
    findSync(path) {
      try {
        const real = fs.realpathSync(path);
        return found(real, fs.statSync(real));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async find(path) {
      try {
        const [real, stat] = await Promise.all([fs.realpath(path), fs.stat(path)]);
        return found(real, stat);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}

/** A `node:fs` Stats, as far as it is read. */
export interface NodeStats {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** FsCalls from `node:fs`'s functions (Node's, and Bun's, which are native). */
export function nodeFsCalls(fs: Omit<FsCalls<NodeStats>, "fields">): FsCalls<NodeStats> {
  return { ...fs, fields: (s) => ({ size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDirectory: s.isDirectory() }) };
}
