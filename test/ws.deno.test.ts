/** The WebSocket conformance suite on Deno. */
import { wsConformance } from "./ws-conformance.ts";

wsConformance("deno");
