/**
 * A fetch() upload run by the runtime under test (node, deno or bun), for the
 * early-response cases: `<url> <bytes> <chunked 0|1>`. Prints one JSON line:
 * the status, status text and body the client got, or the error it failed with.
 */
import process from "node:process";

const [url, size, chunked] = process.argv.slice(2);
const bytes = Number(size);
const chunk = new Uint8Array(64 * 1024).fill(120);
let sent = 0;
const body = chunked === "1"
  ? new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(chunk.length, bytes - sent);
      controller.enqueue(chunk.slice(0, n));
      sent += n;
    },
  })
  : new Uint8Array(bytes).fill(120);
try {
  const res = await fetch(url, { method: "POST", body, duplex: "half" });
  console.log(JSON.stringify({ status: res.status, statusText: res.statusText, body: await res.text() }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.cause?.code ?? error?.code ?? error?.message ?? error) }));
}
