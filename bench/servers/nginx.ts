/**
 * The ceiling of the static scenario: nginx from Debian serving the same
 * file, one process (`master_process off`, so its CPU time is one PID's, as
 * for every other contender), sendfile on, no access log. Reported, no bar.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureStaticFile, STATIC_DIR, STATIC_NAME } from "../apps/_files.ts";
import type { Running } from "../_process.ts";
import { HOSTNAME } from "./_ready.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once("error", reject).listen(0, HOSTNAME, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr error;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen ${HOSTNAME}:${port};
    root ${STATIC_DIR};
    index ${STATIC_NAME};
  }
}
`;
}

/** Poll until `port` accepts a connection. */
async function accepting(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, HOSTNAME, () => (socket.destroy(), resolve(true))).once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Start nginx on a free port serving the static scenario's folder. */
export async function startNginx(): Promise<Running> {
  ensureStaticFile();
  const dir = mkdtempSync(join(tmpdir(), "omniserve-bench-nginx-"));
  const port = await freePort();
  writeFileSync(join(dir, "nginx.conf"), config(dir, port));
  const child = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) => reject(new Error(`cannot start nginx: ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`nginx exited with status ${code}: ${err.trim()}`)));
  });
  await Promise.race([accepting(port, Date.now() + 10_000), failed]);
  return {
    url: `http://${HOSTNAME}:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
