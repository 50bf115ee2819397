/** Scenarios "gzip" and "br": ~100 KiB of JSON through compress(), the coding chosen by the request. */
import { compress } from "omniserve";
import { JSON_100K } from "./_files.ts";

// The same encoded bytes the raw controls compress.
const BYTES = new TextEncoder().encode(JSON_100K);

export default { fetch: compress(() => new Response(BYTES, { headers: { "content-type": "application/json" } })) };
