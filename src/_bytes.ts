/**
 * Joining byte chunks into one array: the compressor's buffered body and the
 * WebSocket parser's pending bytes and fragments both need it.
 * @module
 */

/**
 * The chunks as one array. A single chunk is returned as it is (no copy);
 * `length` is their total when the caller already knows it.
 */
export function concatBytes(chunks: readonly Uint8Array[], length?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length ?? chunks.reduce((sum, c) => sum + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
