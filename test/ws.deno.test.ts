/** The WebSocket conformance suite on Deno, over ws:// and wss://. */
import { wssConformance } from "./_wss.ts";
import { wsConformance } from "./ws-conformance.ts";

wsConformance("deno");
wssConformance("deno");
