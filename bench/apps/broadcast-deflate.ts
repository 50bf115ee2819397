/**
 * Scenario "broadcast-deflate": "broadcast" with permessage-deflate on. The
 * clients offer it and send 2 KiB JSON messages, so every broadcast is
 * compressed (the default threshold is 1 KiB), once per window size.
 */
import broadcast from "./broadcast.ts";

export default {
  fetch: broadcast.fetch,
  websocket: { ...broadcast.websocket, perMessageDeflate: true },
};
