/** The WebSocket conformance suite on Deno, over ws:// and wss://. */
import { wssConformance } from "./tls.ts";
import { wsConformance } from "./_suite.ts";

wsConformance("deno");
wssConformance("deno");
