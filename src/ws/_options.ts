/**
 * WebSocket option defaults, resolved once per server.
 * @module
 */
import type { WebSocketOptions } from "../types.ts";

/** 16 MiB, as Bun. */
export const DEFAULT_MAX_PAYLOAD: number = 16 * 1024 * 1024;
/** Seconds, as Bun. */
export const DEFAULT_WS_IDLE_TIMEOUT = 120;
/** 16 MiB, as Bun. */
export const DEFAULT_BACKPRESSURE_LIMIT: number = 16 * 1024 * 1024;

/** The limits every adapter enforces, after defaults. */
export interface WsLimits {
  maxPayloadLength: number;
  /** Seconds; 0 turns idle pings off. */
  idleTimeout: number;
  backpressureLimit: number;
  perMessageDeflate: boolean;
}

export function resolveWsLimits(options: WebSocketOptions): WsLimits {
  return {
    maxPayloadLength: options.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD,
    idleTimeout: options.idleTimeout ?? DEFAULT_WS_IDLE_TIMEOUT,
    backpressureLimit: options.backpressureLimit ?? DEFAULT_BACKPRESSURE_LIMIT,
    perMessageDeflate: options.perMessageDeflate ?? false,
  };
}
