/** The WebSocket conformance suite on Node, over ws:// and wss://. */
import { wssConformance } from "./_wss.ts";
import { wsConformance } from "./ws-conformance.ts";

wsConformance("node");
wssConformance("node");
