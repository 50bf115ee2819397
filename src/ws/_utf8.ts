/**
 * Strict UTF-8 decoding: a text frame with invalid bytes must close the
 * connection with 1007, so replacement characters are never acceptable.
 * @module
 */

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode `bytes`, or return undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}
