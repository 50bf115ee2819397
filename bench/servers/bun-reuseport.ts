/**
 * Two `Bun.serve` processes sharing one port with `reusePort`, the kernel
 * spreading connections between them, each handing the app's own `fetch` to
 * Bun as the control does. The first binds port 0 and starts the second on its port.
 *   bun bench/servers/bun-reuseport.ts <app module> <scenario>
 * @module
 */
import process from "node:process";
import { bun } from "../../adapters/bun/host.ts";
import { HOSTNAME, loadApp, ready } from "./_ready.ts";
import { exitWithParent, startSibling } from "./_sibling.ts";

const [app, scenario, portArg] = process.argv.slice(2);
const server = bun().serve({ port: Number(portArg ?? 0), hostname: HOSTNAME, reusePort: true, fetch: (await loadApp(app)).fetch });
if (portArg) exitWithParent();
else await startSibling([app, scenario], server.port);
ready(server.port);
