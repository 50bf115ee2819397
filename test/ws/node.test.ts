/** The WebSocket conformance suite on Node, over ws:// and wss://. */
import { wssConformance } from "./tls.ts";
import { wsConformance } from "./_suite.ts";

wsConformance("node");
wssConformance("node");
