/**
 * The one line every bench server prints once it accepts connections; the
 * runner waits for it (omniserve's own CLI prints the same shape).
 * @module
 */
import process from "node:process";

export const HOSTNAME = "127.0.0.1";

/** Announce `port` on stdout (`https` for the TLS servers). */
export function ready(port: number, scheme: "http" | "https" = "http"): void {
  process.stdout.write(`bench: listening on ${scheme}://${HOSTNAME}:${port}\n`);
}

/** Load the default export of an app module given on the command line. */
export async function loadApp(path: string): Promise<any> {
  const { pathToFileURL } = await import("node:url");
  const { resolve } = await import("node:path");
  return (await import(pathToFileURL(resolve(path)).href)).default;
}
