/** TLS features on Deno: start-up checks, SNI, certificate reload, client certificates. */
import { tlsFeatures } from "./_suite.ts";

tlsFeatures("deno");
