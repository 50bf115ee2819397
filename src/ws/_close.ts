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
