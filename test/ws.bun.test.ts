/** The WebSocket conformance suite on Bun. */
import { wsConformance } from "./ws-conformance.ts";

wsConformance("bun");
