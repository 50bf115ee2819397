import { conformance } from "./conformance/_suite.ts";
import { tlsConformance } from "./_tls.ts";

conformance("node");
tlsConformance("node");
