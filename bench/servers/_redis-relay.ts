/**
 * The control of the cross-instance broadcast: a plain relay loop written
 * directly on the same Redis client omniserve uses. A message from a local
 * client goes to the other local clients and, tagged with this process's id,
 * to one Redis channel; a message from the channel with another tag goes to
 * every local client.
 * @module
 */
import { createClient } from "@redis/client";
import process from "node:process";

const CHANNEL = "bench:room";

/**
 * Connect to `BENCH_REDIS_URL`; `deliver(text, except)` writes to local
 * clients. Resolves with the function to call for each message a local
 * client sends.
 */
export async function redisRelay<S>(deliver: (text: string, except?: S) => void): Promise<(text: string, from: S) => void> {
  const tag = `${process.pid}-${Math.random().toString(36).slice(2)}|`;
  const pub = createClient({ url: process.env.BENCH_REDIS_URL });
  const sub = pub.duplicate();
  await pub.connect();
  await sub.connect();
  await sub.subscribe(CHANNEL, (message: string) => {
    if (!message.startsWith(tag)) deliver(message.slice(message.indexOf("|") + 1));
  });
  return (text, from) => {
    deliver(text, from);
    void pub.publish(CHANNEL, tag + text);
  };
}
