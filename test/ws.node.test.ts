/** The WebSocket conformance suite on Node. */
import { wsConformance } from "./ws-conformance.ts";

wsConformance("node");
