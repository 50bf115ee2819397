/**
 * Close codes omniserve sends, and which codes a peer may put on the wire
 * (RFC 6455 section 7.4 and the IANA registry).
 * @module
 */

/** The close codes omniserve itself uses; the README lists them as a table. */
export const CloseCode = {
  /** Normal closure; the default of `peer.close()`. */
  normal: 1000,
  /** The server is stopping, or the peer was idle past `idleTimeout`. */
  goingAway: 1001,
  /** The client broke the protocol: unmasked frame, bad opcode, reserved bits, bad close frame. */
  protocolError: 1002,
  /** Reported to the close hook when a close frame carried no code. */
  noStatus: 1005,
  /** Reported to the close hook when the connection dropped without a close frame. */
  abnormal: 1006,
  /** A text message (or close reason) was not valid UTF-8. */
  invalidData: 1007,
  /** The peer's send buffer passed `backpressureLimit`. */
  policyViolation: 1008,
  /** A message was larger than `maxPayloadLength`. */
  tooBig: 1009,
  /** A hook failed in a way the server cannot recover from. */
  internalError: 1011,
} as const;

/** True when `code` may appear in a close frame on the wire. */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * What `peer.close(code, reason)` sends, the same on every adapter: a code
 * that may not be sent, or that is not an integer (Node and Bun cut 4000.7 to
 * 4000, Deno rounded it to 4001; Bun threw on "4001", the others took it), is
 * a RangeError, and a reason past the 123 bytes a close frame holds is cut at
 * a character boundary (Bun cuts so; Deno threw, Node cut mid-character, which
 * a client refuses with 1007).
 */
export function closeReason(code: number, reason: string): string {
  if (!Number.isInteger(code) || !isSendableCloseCode(code)) {
    throw new RangeError(`invalid WebSocket close code ${String(code)}`);
  }
  return fitReason(reason);
}

/** `reason` cut to at most 123 bytes of UTF-8 without splitting a character. */
export function fitReason(reason: string): string {
  if (reason.length <= 41) return reason; // 3 bytes a UTF-16 unit at most: it fits
  const bytes = encoder.encode(reason);
  if (bytes.length <= 123) return reason;
  let end = 123;
  while ((bytes[end] & 0xc0) === 0x80) end--; // back off a character's continuation bytes
  return decoder.decode(bytes.subarray(0, end));
}
