/**
 * Which transport a server opens for `pubsub`, by the URL's scheme:
 * `redis://` and `rediss://` go to Redis (or Valkey); `bus:<socket path>` is
 * the relay between the workers of one `omniserve serve --workers N`, which
 * the CLI sets up itself.
 * @module
 */
import type { Transport } from "../src/pubsub/_shared.ts";
import type { PubSubOptions } from "../src/types.ts";
import { BusTransport } from "./bus.ts";
import { RedisTransport } from "./redis.ts";

/** The scheme of the workers' relay. */
export const BUS_SCHEME = "bus:";

/** Open the transport `config.url` names. */
export function openTransport(config: Required<PubSubOptions>): Transport {
  if (config.url.startsWith(BUS_SCHEME)) return new BusTransport(config.url.slice(BUS_SCHEME.length));
  return new RedisTransport(config);
}
