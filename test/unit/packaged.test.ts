/**
 * platformPackages(): the platform package names the CLI looks in when the
 * deno or bun package's install script did not run, checked against the
 * lists those packages publish (their optionalDependencies, and the baseline
 * builds Bun's installer names).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { platformPackages } from "../../cli/_packaged.ts";

const require = createRequire(import.meta.url);
const manifest = (name: string) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8"));
const optional = (name: string) => Object.keys(manifest(name).optionalDependencies).sort();

/** Every platform the packages ship for: [platform, arch, musl]. */
const PLATFORMS: [string, string, boolean][] = [
  ["linux", "x64", false], ["linux", "arm64", false], ["linux", "x64", true], ["linux", "arm64", true],
  ["darwin", "x64", false], ["darwin", "arm64", false], ["win32", "x64", false], ["win32", "arm64", false],
  ["android", "x64", false], ["android", "arm64", false], ["freebsd", "x64", false], ["freebsd", "arm64", false],
];

describe("platformPackages()", () => {
  test("platformPackages(\"bun\") names each of the bun package's platform packages first, for its platform", () => {
    const first = new Set(PLATFORMS.map(([platform, arch, musl]) => platformPackages("bun", platform, arch, () => musl)[0].name));
    expect([...first].sort()).toEqual(optional("bun"));
  });

  test("platformPackages(\"bun\") tries the x64 baseline builds Bun's installer knows, after the default build", () => {
    const installer = readFileSync(join(dirname(require.resolve("bun/package.json")), "install.js"), "utf8");
    const baselines = PLATFORMS.flatMap(([platform, arch, musl]) => platformPackages("bun", platform, arch, () => musl).slice(1));
    expect(baselines.map((p) => p.name).sort()).toEqual([
      "@oven/bun-darwin-x64-baseline", "@oven/bun-linux-x64-baseline", "@oven/bun-linux-x64-musl-baseline", "@oven/bun-windows-x64-baseline",
    ]);
    for (const { name } of baselines) expect(installer).toContain(`"${name.replace("@oven/", "")}"`);
  });

  test("platformPackages(\"deno\") names each of the deno package's platform packages, for its platform", () => {
    const names = new Set(PLATFORMS.filter(([p, , musl]) => ["linux", "darwin", "win32"].includes(p) && !musl)
      .map(([platform, arch]) => platformPackages("deno", platform, arch, () => false)[0].name));
    expect([...names].sort()).toEqual(optional("deno"));
  });

  test("platformPackages() puts the binary where the packages do: deno or deno.exe, bin/bun or bin/bun.exe", () => {
    expect(platformPackages("deno", "linux", "x64", () => false)[0].exe).toBe("deno");
    expect(platformPackages("deno", "win32", "x64", () => false)[0].exe).toBe("deno.exe");
    expect(platformPackages("bun", "linux", "x64", () => false)[0].exe).toBe(join("bin", "bun"));
    expect(platformPackages("bun", "win32", "x64", () => false)[0].exe).toBe(join("bin", "bun.exe"));
  });
});
