/** The streamed body: CHUNKS × CHUNK = 1 MiB, shared by every contender. */
export const CHUNK: Uint8Array = new Uint8Array(64 * 1024).fill(97);
export const CHUNKS = 16;
