/**
 * The HTTP conformance suite on Node 24, over http:// and https://: the same
 * cases as node.test.ts, served by the Node of test/support/node24.ts (the
 * tests themselves run on the repository's Node).
 */
import { node24 } from "../support/node24.ts";
import { conformance } from "./_suite.ts";
import { tlsConformance } from "./tls.ts";

// Read by the CLI's runtime lookup when it spawns each server of this file.
process.env.OMNISERVE_NODE = node24();

conformance("node");
tlsConformance("node");
