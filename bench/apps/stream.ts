/** Scenario "stream": 1 MiB sent as sixteen 64 KiB chunks through a ReadableStream. */
import { CHUNK, CHUNKS } from "./_payload.ts";

export default {
  fetch(): Response {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < CHUNKS) controller.enqueue(CHUNK);
        else controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "application/octet-stream" } });
  },
};
