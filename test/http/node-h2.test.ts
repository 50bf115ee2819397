/** The HTTP conformance suite on Node over HTTP/2: h2 with TLS, and h2c (prior knowledge). */
import { conformance } from "./_suite.ts";

conformance("node", 1, "h2");
conformance("node", 1, "h2c");
