/**
 * Named, documented places where a runtime's own WebSocket cannot be made to
 * match the contract. The conformance case that depends on one asserts the
 * documented behaviour on the listed runtimes (never a skip, never a looser
 * assertion). Versions: Deno 2.9.6, Bun 1.4.5.
 *
 * The other way on Deno, measured: the Node adapter runs unchanged on Deno's
 * `node:http` and passes every WebSocket and HTTP conformance case (the four
 * Deno entries here and Deno's HTTP entries disappear), but a hello request
 * then costs Deno about 2.5 times the CPU of `Deno.serve` (1.9 times for a
 * JSON echo; median of 5 alternating pairs, 2026-11-25). omniserve keeps
 * Deno.serve; these gaps only show with clients that break the protocol.
 */
import type { RuntimeException } from "./_exceptions.ts";

export const WS_EXCEPTIONS = {
  invalidUtf8Dropped: {
    runtimes: ["deno"],
    reason:
      "Deno.upgradeWebSocket validates UTF-8 in Rust and, on a bad text frame, drops the TCP connection " +
      "without a 1007 close frame; JavaScript never sees the frame, so omniserve cannot answer it.",
  },
  unmaskedAccepted: {
    runtimes: ["deno"],
    reason:
      "Deno.upgradeWebSocket delivers unmasked client frames like masked ones (RFC 6455 5.1 says close " +
      "with 1002); the mask bit never reaches JavaScript.",
  },
  noPerMessageDeflate: {
    runtimes: ["deno"],
    reason: "Deno.upgradeWebSocket does not negotiate permessage-deflate; connections work uncompressed.",
  },
  noTerminate: {
    runtimes: ["deno"],
    reason: "Deno's server WebSocket has no abrupt close, so peer.terminate() sends a 1000 close frame.",
  },
  hookSees1006After1009: {
    runtimes: ["bun"],
    reason:
      "Bun sends 1009 for a message over maxPayloadLength, as the others do, but reports 1006 to its close " +
      "handler, so the close hook sees 1006.",
  },
  backpressureCloseAbrupt: {
    runtimes: ["bun"],
    reason:
      "Bun enforces backpressureLimit natively (closeOnBackpressureLimit, which also covers its native " +
      "publish): it drops the peer without a 1008 close frame and the close hook sees 1006. Memory stays bounded.",
  },
  idleCloseAbrupt: {
    runtimes: ["bun"],
    reason:
      "Bun pings an idle peer and then drops it without a 1001 close frame; the close hook sees 1006. " +
      "Its idle timer is also coarser (whole seconds, rounded up).",
  },
  denoBackpressureLingers: {
    runtimes: ["deno"],
    reason:
      "Deno's WebSocket close writes the close frame and waits for it to be sent, and a client that never reads " +
      "lets it wait forever; Deno has no abrupt close (closing its resource does not end the TCP connection " +
      "while that write is pending, tried). omniserve releases the peer after 1 s (close hook with 1008, out of " +
      "its topics, no longer counted); the TCP connection and Deno's send buffer (the limit plus one message) " +
      "stay until the client reads or leaves.",
  },
  denoWholeMessageBuffered: {
    runtimes: ["deno"],
    reason:
      "Deno.upgradeWebSocket reads a whole message (up to its own fixed 64 MiB cap, not configurable from " +
      "JavaScript) before omniserve can check maxPayloadLength, so 1009 comes only after the whole message " +
      "arrived, and a frame announcing more than 64 MiB drops the connection without a close frame. Memory per " +
      "connection can reach 64 MiB (measured: 4 peers sending 60 MiB took RSS to 529 MiB).",
  },
  pingFloodStallsReading: {
    runtimes: ["deno"],
    reason:
      "Deno answers pings natively and writes each pong before it reads the next frame, so a client that floods " +
      "pings and never reads stalls its own sending through TCP: memory stays flat and the server keeps serving, " +
      "and the connection stays open, but the client cannot send anything else, where Node reads the flood and " +
      "answers the latest ping of each read. Pings never reach JavaScript on Deno.",
  },
  pingFloodDropped: {
    runtimes: ["bun"],
    reason:
      "Bun answers every ping natively and counts the pongs against backpressureLimit, so a client that floods " +
      "pings and never reads is dropped without a close frame once its pongs pass the limit (the close hook sees " +
      "1006), where Node answers only the latest ping of each read (RFC 6455 5.5.3) and keeps the connection. " +
      "Memory stays bounded either way; Bun's pings never reach JavaScript.",
  },
} satisfies Record<string, RuntimeException>;
