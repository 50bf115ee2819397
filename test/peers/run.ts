/**
 * The peers' suites against omniserve, in one command (test/peers.md says what they cover):
 *
 *   npm run build && npx tsx test/peers/run.ts [srvx] [srvx-h2] [crossws] [hono] [--runtime node,deno,bun] [--repeat N] [--fresh]
 *
 * First each peer's tests are exported from its git checkout into `OMNISERVE_PEERS` (default /tmp/peers;
 * kept from run to run, `--fresh` exports again), and the few files their imports expect are written there
 * (the harness's, not the peers'). Then vitest runs each suite on each runtime, one server per run, and the
 * counts are printed, with the names of the cases that failed.
 *
 * A checkout is any git directory of the peer's repository: `OMNISERVE_PEERS_<PEER>_GIT` (for example
 * OMNISERVE_PEERS_SRVX_GIT=~/src/srvx/.git), else `<OMNISERVE_PEERS_GIT>/<owner>+<name>/repo`, where the
 * session's `fetch` tool leaves them (default /work/.mirror).
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { honoNodeTests } from "./_hono-source.ts";
import { PEERS_DIR } from "./_peers.ts";

const PEERS = {
  srvx: { repo: "h3js/srvx", paths: ["test"] },
  crossws: { repo: "h3js/crossws", paths: ["test"] },
  hono: { repo: "honojs/hono", paths: ["runtime-tests/node"] },
};
type Peer = keyof typeof PEERS;

/** The suites: a peer's cases, run by a vitest file of ours, with what its run adds to the environment. */
const SUITES: Record<string, { peer: Peer; env?: Record<string, string> }> = {
  srvx: { peer: "srvx" },
  // srvx's cases over HTTP/2 (TLS), as srvx runs them on its Node adapter.
  "srvx-h2": { peer: "srvx", env: { OMNISERVE_PEERS_PROTOCOL: "h2" } },
  crossws: { peer: "crossws" },
  hono: { peer: "hono" },
};

const SERVE_STUB = `export function serve(): never {\n  throw new Error("the omniserve harness serves this fixture");\n}\n`;

/** Files the harness writes into a peer's export, for the imports of the files it runs: path → text. */
function stubs(peer: Peer): Record<string, string> {
  switch (peer) {
    case "srvx":
      return {
        // The fixture returns srvx's Node FastResponse: the published one.
        "src/adapters/_node/response.ts": `export { NodeResponse } from "srvx/node";\n`,
        // The fixture imports its runtime's adapter for when it runs alone; omniserve serves it here.
        "src/adapters/node.ts": SERVE_STUB,
        "src/adapters/deno.ts": SERVE_STUB,
        "src/adapters/bun.ts": SERVE_STUB,
      };
    case "crossws":
      return { "src/index.ts": `export function defineHooks<T>(hooks: T): T {\n  return hooks;\n}\n` };
    case "hono": {
      const source = readFileSync(join(PEERS_DIR, "hono/runtime-tests/node/index.test.ts"), "utf8");
      const honoDir = join(PEERS_DIR, "node_modules/hono");
      const side = (file: string) => pathToFileURL(resolve("test/peers", file)).href;
      return {
        "harness/index.client.ts": honoNodeTests(source, honoDir, side("hono-client.ts")),
        "harness/index.served.ts": honoNodeTests(source, honoDir, side("hono-served.ts")),
      };
    }
  }
}

function gitDir(peer: Peer): string {
  const own = process.env[`OMNISERVE_PEERS_${peer.toUpperCase()}_GIT`];
  if (own) return own;
  return join(process.env.OMNISERVE_PEERS_GIT ?? "/work/.mirror", PEERS[peer].repo.replace("/", "+"), "repo");
}

/** Export `peer`'s tests (unless there already), write the stubs; the commit exported. */
function prepare(peer: Peer, fresh: boolean): string {
  const dir = join(PEERS_DIR, peer);
  const commitFile = join(dir, ".commit");
  if (fresh || !existsSync(commitFile)) {
    const git = gitDir(peer);
    if (!existsSync(git)) throw new Error(`no checkout of ${PEERS[peer].repo} at ${git} (see the top of test/peers/run.ts)`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const commit = execFileSync("git", ["--git-dir", git, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const archive = execFileSync("git", ["--git-dir", git, "archive", commit, ...PEERS[peer].paths], { maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    const date = execFileSync("git", ["--git-dir", git, "log", "-1", "--format=%cs", commit], { encoding: "utf8" }).trim();
    writeFileSync(commitFile, `${commit} ${date}\n`);
  }
  for (const [path, text] of Object.entries(stubs(peer))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return readFileSync(commitFile, "utf8").trim();
}

/** The checkouts' bare imports (vitest, srvx, hono) resolve to this repository's packages. */
function prepareRoot(): void {
  mkdirSync(PEERS_DIR, { recursive: true });
  writeFileSync(join(PEERS_DIR, "package.json"), `{ "private": true, "type": "module" }\n`);
  const modules = join(PEERS_DIR, "node_modules");
  if (!existsSync(modules)) symlinkSync(realpathSync("node_modules"), modules);
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

function runSuite(suite: string, runtime: string, round: number): Counts {
  const { peer, env } = SUITES[suite];
  const report = join(PEERS_DIR, "results", `${suite}-${runtime}-${round}.json`);
  mkdirSync(dirname(report), { recursive: true });
  rmSync(report, { force: true });
  spawnSync(process.execPath, [
    "node_modules/vitest/vitest.mjs", "run", "--config", "test/peers/vitest.peers.ts", `test/peers/${peer}.peer.ts`,
    "--reporter=default", "--reporter=json", `--outputFile.json=${report}`,
  ], { stdio: "inherit", env: { ...process.env, ...env, OMNISERVE_PEERS_RUNTIME: runtime, OMNISERVE_PEERS: PEERS_DIR } });
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0, failures: ["(vitest wrote no report)"] };
  const json = JSON.parse(readFileSync(report, "utf8"));
  const cases = json.testResults.flatMap((file: { assertionResults: { status: string; fullName: string }[] }) => file.assertionResults);
  const failures = cases.filter((c: { status: string }) => c.status === "failed").map((c: { fullName: string }) => c.fullName);
  if (json.numFailedTestSuites > 0 && failures.length === 0) failures.push("(the file failed to load)");
  return { passed: json.numPassedTests, failed: failures.length, skipped: json.numPendingTests + json.numTodoTests, failures };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args.splice(at, 2)[1];
  };
  const runtimes = (option("--runtime") ?? "node,deno,bun").split(",");
  const repeat = Number(option("--repeat") ?? 1);
  const fresh = args.includes("--fresh");
  const suites = args.filter((arg) => !arg.startsWith("--"));
  for (const suite of suites) if (!(suite in SUITES)) throw new Error(`unknown suite ${suite} (expected ${Object.keys(SUITES).join(", ")})`);
  if (!existsSync("dist/cli/spawn.js")) throw new Error("run `npm run build` first (the harness serves through dist/)");
  prepareRoot();
  const chosen = suites.length ? suites : Object.keys(SUITES);
  const peers = [...new Set(chosen.map((suite) => SUITES[suite].peer))];
  const commits = peers.map((peer) => `${peer} ${prepare(peer, fresh)}`);
  const lines: string[] = [];
  for (let round = 1; round <= repeat; round++) {
    for (const suite of chosen) {
      for (const runtime of runtimes) {
        const counts = runSuite(suite, runtime, round);
        const total = counts.passed + counts.failed;
        lines.push(`${suite} on ${runtime} (run ${round}): ${counts.passed}/${total} passed, ${counts.skipped} skipped`);
        for (const name of counts.failures) lines.push(`  failed: ${name}`);
      }
    }
  }
  const omniserve = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  console.log(`\nomniserve ${omniserve}; peers: ${commits.join("; ")}\n${lines.join("\n")}`);
}

main();
