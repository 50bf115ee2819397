/** The HTTP conformance suite, unchanged, against `omniserve serve --workers 2` on each runtime. */
import { conformance } from "./_suite.ts";

conformance("node", 2);
conformance("deno", 2);
conformance("bun", 2);
