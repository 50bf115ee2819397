/** The HTTP conformance suite on Deno, over http:// and https://. */
import { conformance } from "./_suite.ts";
import { tlsConformance } from "./tls.ts";

conformance("deno");
tlsConformance("deno");
