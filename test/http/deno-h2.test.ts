/** The HTTP conformance suite on Deno over HTTP/2: h2 with TLS, and h2c (prior knowledge). */
import { conformance } from "./_suite.ts";

conformance("deno", 1, "h2");
conformance("deno", 1, "h2c");
