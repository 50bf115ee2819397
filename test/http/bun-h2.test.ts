/** The HTTP conformance suite on Bun over HTTP/2: h2 with TLS, and h2c (prior knowledge). */
import { conformance } from "./_suite.ts";

conformance("bun", 1, "h2");
conformance("bun", 1, "h2c");
