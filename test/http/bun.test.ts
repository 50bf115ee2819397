/** The HTTP conformance suite on Bun, over http:// and https://. */
import { conformance } from "./_suite.ts";
import { tlsConformance } from "./tls.ts";

conformance("bun");
tlsConformance("bun");
