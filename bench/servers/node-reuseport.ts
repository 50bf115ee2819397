/**
 * Two raw `node:http` processes sharing one port with `reusePort` (Node 22.12
 * and later), the kernel spreading connections between them; the control's
 * handlers. The first binds port 0 and starts the second on its port.
 *   node --import tsx bench/servers/node-reuseport.ts <app module> <scenario>
 * @module
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { NODE_HANDLERS } from "./_node-handlers.ts";
import { HOSTNAME, ready } from "./_ready.ts";
import { exitWithParent, startSibling } from "./_sibling.ts";

const [app, scenario, portArg] = process.argv.slice(2);
const handler = NODE_HANDLERS[scenario];
if (!handler) throw new Error(`node-reuseport: no node:http handler for scenario ${scenario}`);

const server = http.createServer(handler);
server.listen({ port: Number(portArg ?? 0), host: HOSTNAME, reusePort: true }, async () => {
  const { port } = server.address() as AddressInfo;
  if (portArg) exitWithParent();
  else await startSibling([app, scenario], port);
  ready(port);
});
