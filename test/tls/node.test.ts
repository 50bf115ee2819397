/** TLS features on Node: start-up checks, SNI, certificate reload, client certificates. */
import { tlsFeatures } from "./_suite.ts";

tlsFeatures("node");
