/**
 * Entry point of a server process the CLI starts on another runtime:
 * `<runtime> _child.js <module> <port|-> <hostname|-> [<certFile> <keyFile>]`.
 * @module
 */
import process from "node:process";
import { fatal } from "./_fatal.ts";
import { serveModule } from "./_serve.ts";

const [modulePath, port, hostname, certFile, keyFile] = process.argv.slice(2);
serveModule(modulePath, {
  port: port === "-" ? undefined : Number(port),
  hostname: hostname === "-" ? undefined : hostname,
  certFile,
  keyFile,
}).catch(fatal);
