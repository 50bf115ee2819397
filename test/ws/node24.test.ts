/**
 * The WebSocket conformance suite on Node 24, over ws:// and wss://: the same
 * cases as node.test.ts, served by the Node of test/support/node24.ts.
 */
import { node24 } from "../support/node24.ts";
import { wssConformance } from "./tls.ts";
import { wsConformance } from "./_suite.ts";

// Read by the CLI's runtime lookup when it spawns each server of this file.
process.env.OMNISERVE_NODE = node24();

wsConformance("node");
wssConformance("node");
