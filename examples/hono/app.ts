/**
 * A Hono app served by omniserve, unchanged, on Node.js, Deno and Bun:
 *   npx omniserve serve examples/hono/app.ts --runtime deno
 */
import { Hono } from "hono";

const app = new Hono();

app.get("/", (c) => c.text(`Hello from omniserve on ${runtime()}!`));
app.get("/json", (c) => c.json({ hello: "world", runtime: runtime() }));
app.post("/echo", async (c) => c.json(await c.req.json()));
app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));

function runtime(): string {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun ? "bun" : g.Deno ? "deno" : "node";
}

export default app;
