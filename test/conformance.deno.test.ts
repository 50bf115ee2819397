import { conformance } from "./_conformance.ts";
import { tlsConformance } from "./_tls.ts";

conformance("deno");
tlsConformance("deno");
