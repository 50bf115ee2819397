/** The WebSocket conformance suite on Bun, over ws:// and wss://. */
import { wssConformance } from "./_wss.ts";
import { wsConformance } from "./ws-conformance.ts";

wsConformance("bun");
wssConformance("bun");
