/** The WebSocket conformance suite on Bun, over ws:// and wss://. */
import { wssConformance } from "./tls.ts";
import { wsConformance } from "./_suite.ts";

wsConformance("bun");
wssConformance("bun");
