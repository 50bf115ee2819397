/**
 * hono's node tests' apps (see _hono-source.ts), served by omniserve on one hono app: app n mounted under
 * `/n` (hono's `route`, so each sees the server's own Request), flag n at `/__peers/flag/n` (GET reads, PUT
 * sets, DELETE clears), and the compress case's upstream at the root. The file is loaded at the first
 * request, when the server's own address (the upstream's) is known.
 * @module
 */
import { Hono } from "hono";
import type { ServeOptions } from "../../src/types.ts";
import { apps, flags, installCollector, runBlocks, self, upstream } from "./hono-served.ts";
import { peerModule } from "./_peers.ts";

async function load(url: URL): Promise<Hono> {
  self.address = url.hostname;
  self.port = Number(url.port);
  installCollector();
  await import(peerModule("hono", "harness", "index.served.ts"));
  await runBlocks();
  const root = new Hono();
  apps.forEach((app, n) => root.route(`/${n}`, app as Hono));
  root.on(["GET", "PUT", "DELETE"], "/__peers/flag/:n", (c) => {
    const value = flags.get(Number(c.req.param("n")));
    if (!value) return c.text("no such flag", 404);
    if (c.req.method !== "GET") value.value = c.req.method === "PUT";
    return c.text(String(value.value));
  });
  root.all("*", (c) => upstream.fetch ? upstream.fetch(c.req.raw) : c.notFound());
  return root;
}

let root: Promise<Hono> | undefined;

export default {
  async fetch(request) {
    return (await (root ??= load(new URL(request.url)))).fetch(request);
  },
} satisfies ServeOptions;
