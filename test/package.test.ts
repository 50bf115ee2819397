/**
 * omniserve as a user gets it: packed as `npm publish` would pack it,
 * installed into a fresh project (npm's cache first, the registry for what it lacks), and run from
 * there on node, deno and bun: its bin, an app that imports `omniserve`, and
 * `import { serve } from "omniserve"` on each runtime. Without Deno installed,
 * the error names the command that fixes it. With install scripts blocked,
 * the runtimes are found in their platform packages; with the repository's
 * `allowScripts`, npm installs them without a warning.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runtimeArgv } from "../cli/runtime.ts";
import type { Runtime } from "../src/types.ts";
import { serveCli } from "./support/cli.ts";

const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
const require = createRequire(import.meta.url);
/** A PATH without the repository's node_modules/.bin (npm test puts deno and bun there). */
const PATH = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

let project: string;
let tarball: string;
let installLog: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "omniserve-user-"));
  // dist/ is built by `npm test` already; --ignore-scripts keeps prepack from rebuilding it under other tests.
  const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], { encoding: "utf8" }).trim();
  tarball = join(project, name);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-app", version: "1.0.0", type: "module" }));
  // --prefer-offline, not --offline: `npm ci` caches the lockfile's tarballs but not the registry documents an
  // install of a tarball resolves its dependencies with, so a fresh machine's cache cannot serve it alone.
  installLog = execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], {
    cwd: project,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  writeFileSync(join(project, "app.ts"), [
    'import type { ServeOptions } from "omniserve";',
    "const g = globalThis as { Bun?: unknown; Deno?: unknown };",
    'export default { fetch: () => new Response(g.Bun ? "bun" : g.Deno ? "deno" : "node") } satisfies ServeOptions;',
  ].join("\n"));
  writeFileSync(join(project, "lib.mjs"), [
    'import { serve } from "omniserve";',
    'const server = await serve({ port: 0, fetch: () => new Response("hi") }).ready();',
    "console.log(server.runtime, await (await fetch(server.url)).text(), server.port > 0);",
    "await server.stop();",
  ].join("\n"));
  writeFileSync(join(project, "signal.mjs"), [
    'import { serve } from "omniserve";',
    "let aborted = false;",
    "const fetch_ = (request) => { request.signal.addEventListener(\"abort\", () => { aborted = true; }); return new Response(\"ok\"); };",
    "const server = await serve({ port: 0, fetch: fetch_ }).ready();",
    "await (await fetch(server.url)).text();",
    "await new Promise((resolve) => setTimeout(resolve, 200));",
    "console.log(aborted ? \"aborted\" : \"not aborted\");",
    "await server.stop();",
  ].join("\n"));
}, 120_000);

const bin = () => join(project, "node_modules/.bin/omniserve");

describe("the package as published", () => {
  test("the package holds dist/ and LICENSE, and has no install script of its own", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    expect(files).toContain("package/dist/cli/main.js");
    expect(files).toContain("package/dist/adapters/deno/index.js");
    expect(files).toContain("package/LICENSE");
    const pkg = JSON.parse(readFileSync(join(project, "node_modules/omniserve/package.json"), "utf8"));
    expect(pkg.license).toBe("MIT");
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.peerDependenciesMeta).toEqual({ bun: { optional: true }, deno: { optional: true } });
    expect(installLog).not.toMatch(/omniserve@/);
  });

  test("without deno installed, the error names the command that installs it", async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(bin(), ["serve", "app.ts", "--runtime", "deno", "--port", "0"], { cwd: project, env: { ...process.env, PATH } }, (error, _out, err) =>
        resolve({ code: Number((error as { code?: number } | null)?.code ?? 0), stderr: err }))
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      "omniserve: error: cannot find the deno executable: run npm install -D deno, put deno on PATH, or set OMNISERVE_DENO to its path [ERR_RUNTIME_NOT_FOUND]\n",
    );
  });
});

describe("the package in a project with deno and bun installed", () => {
  beforeAll(() => {
    // As `npm install -D deno bun` would, without copying 200 MB of binaries for each run.
    for (const runtime of ["deno", "bun"]) {
      symlinkSync(dirname(require.resolve(`${runtime}/package.json`)), join(project, "node_modules", runtime));
    }
  });

  test.each(RUNTIMES)("the installed bin serves an app that imports omniserve on %s", async (runtime) => {
    const server = await serveCli(["serve", "app.ts", "--runtime", runtime, "--port", "0"], { command: [bin()], cwd: project, env: { PATH } });
    try {
      expect(await (await fetch(server.url)).text()).toBe(runtime);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("on Deno, request.signal stays quiet after a normal response only with --unstable-no-legacy-abort, and --allow-net is enough", () => {
    const deno = runtimeArgv("deno", "x", [])[0];
    const run = (flags: string[]) =>
      execFileSync(deno, ["run", ...flags, "signal.mjs"], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(run(["--allow-net", "--unstable-no-legacy-abort"])).toBe("not aborted");
    expect(run(["--allow-net"])).toBe("aborted");
  });

  test.each(RUNTIMES)("import { serve } from \"omniserve\" is %s's adapter", async (runtime) => {
    const [cmd, ...args] = runtimeArgv(runtime, "lib.mjs", []);
    const out = execFileSync(cmd, args, { cwd: project, encoding: "utf8", env: { ...process.env, PATH } });
    expect(out.trim()).toBe(`${runtime} hi true`);
  });
});

describe("the package in a project that installed deno and bun with install scripts blocked", () => {
  let blocked: string;
  beforeAll(() => {
    // npm ci --ignore-scripts, as a project does that has not approved the runtimes' postinstall scripts:
    // the binaries stay in the platform packages (@deno/linux-x64-glibc, @oven/bun-linux-x64, ...).
    blocked = mkdtempSync(join(tmpdir(), "omniserve-noscripts-"));
    writeFileSync(join(blocked, "package.json"), JSON.stringify({ name: "user-app", version: "1.0.0", type: "module" }));
    const version = (name: string) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
    execFileSync("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball, `deno@${version("deno")}`, `bun@${version("bun")}`], {
      cwd: blocked,
      stdio: "ignore",
    });
    copyFileSync(join(project, "app.ts"), join(blocked, "app.ts"));
  }, 120_000);
  afterAll(() => rmSync(blocked, { recursive: true, force: true }));

  test("the deno and bun packages have no binary of their own (Bun leaves a placeholder script)", () => {
    expect(existsSync(join(blocked, "node_modules/deno/deno"))).toBe(false);
    expect(readFileSync(join(blocked, "node_modules/bun/bin/bun.exe"), "utf8")).toMatch(/postinstall script was not run/);
  });

  test.each(["deno", "bun"] as const)("the installed bin finds %s in its platform package and serves", async (runtime) => {
    const server = await serveCli(["serve", "app.ts", "--runtime", runtime, "--port", "0"], {
      command: [join(blocked, "node_modules/.bin/omniserve")],
      cwd: blocked,
      env: { PATH },
    });
    try {
      expect(await (await fetch(server.url)).text()).toBe(runtime);
      // The runtime the CLI started is the platform package's binary (Linux: read from /proc).
      const pid = server.child.pid!;
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ");
      const exes = children.map((child) => readlinkSync(`/proc/${child}/exe`));
      expect(exes.join(" ")).toContain(join(blocked, "node_modules", runtime === "deno" ? "@deno/" : "@oven/bun-"));
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("installing deno and bun with their install scripts", () => {
  test("with this repository's allowScripts npm installs them quietly; without it npm warns about their scripts", () => {
    const { allowScripts } = JSON.parse(readFileSync("package.json", "utf8")) as { allowScripts: Record<string, boolean> };
    const version = (name: string) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
    const install = (fields: object): string => {
      const dir = mkdtempSync(join(tmpdir(), "omniserve-scripts-"));
      try {
        writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-app", version: "1.0.0", ...fields }));
        const npm = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", `deno@${version("deno")}`, `bun@${version("bun")}`], {
          cwd: dir,
          encoding: "utf8",
        });
        return `${npm.stdout}${npm.stderr}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    // npm 11 names each package whose install script no allowScripts entry covers.
    expect(install({})).toMatch(/install scripts not yet covered by allowScripts:[^]*bun@[^]*deno@/);
    expect(install({ allowScripts })).not.toMatch(/allowScripts/);
  }, 120_000);
});
