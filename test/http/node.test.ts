/** The HTTP conformance suite on Node, over http:// and https://. */
import { conformance } from "./_suite.ts";
import { tlsConformance } from "./tls.ts";

conformance("node");
tlsConformance("node");
