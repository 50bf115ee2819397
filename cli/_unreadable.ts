/**
 * Why a file named on the command line (an env file, a certificate) cannot be read, in words rather than an
 * errno code, the same on every runtime: the codes a mistyped or misplaced name gives, and the code otherwise.
 * @module
 */

const WORDS: Record<string, string> = { ENOENT: "no such file", EISDIR: "it is a folder", EACCES: "permission denied" };

/** `no such file` for ENOENT, and so on; the code itself (or the error) for the rest. */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && WORDS[code]) ?? code ?? String(error);
}
