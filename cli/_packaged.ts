/**
 * Where the `deno` and `bun` npm packages keep their binaries. Each package
 * has a postinstall script that moves the binary of its platform package
 * (`@deno/linux-x64-glibc`, `@oven/bun-linux-x64`, ...) into the package
 * itself. npm is moving to block install scripts that a project has not
 * approved, and `--ignore-scripts` skips them: then the binary is still in the
 * platform package (Bun leaves a placeholder shell script in its place), so
 * that is where we look next.
 * @module
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

type Packaged = "deno" | "bun";

/** The binary's place inside the `deno` / `bun` package once its install script ran. */
const INSTALLED: Record<Packaged, string> = { deno: process.platform === "win32" ? "deno.exe" : "deno", bun: join("bin", "bun.exe") };

/** Linux with musl libc (Alpine): Node's report has no glibc version there. */
function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return process.platform === "linux" && !!report?.header && !report.header.glibcVersionRuntime;
}

/**
 * The platform packages that may hold `runtime`'s binary here, best first,
 * each with the binary's path inside it. Names as the packages publish them:
 * Deno has `@deno/<os>-<arch>` (`-glibc` on Linux, no musl build); Bun has
 * `@oven/bun-<os>-<aarch64|x64>` with `-musl` variants on Linux, `-baseline`
 * ones (x64 CPUs without AVX2, which a user installs by name) on Linux, macOS
 * and Windows, and Android under `linux-*-android`.
 * (Exported for its unit test, which checks the names against the packages'
 * own lists.)
 */
export function platformPackages(
  runtime: Packaged,
  platform: string = process.platform,
  arch: string = process.arch,
  musl: () => boolean = isMusl,
): { name: string; exe: string }[] {
  if (runtime === "deno") {
    const exe = platform === "win32" ? "deno.exe" : "deno";
    return [{ name: `@deno/${platform}-${arch}${platform === "linux" ? "-glibc" : ""}`, exe }];
  }
  const os = platform === "win32" ? "windows" : platform === "android" ? "linux" : platform;
  const base = `@oven/bun-${os}-${arch === "arm64" ? "aarch64" : arch}`;
  const exe = platform === "win32" ? join("bin", "bun.exe") : join("bin", "bun");
  const abi = platform === "android" ? "-android" : platform === "linux" && musl() ? "-musl" : "";
  const names = arch === "x64" && platform !== "android" && platform !== "freebsd" ? [base + abi, `${base}${abi}-baseline`] : [base + abi];
  return names.map((name) => ({ name, exe }));
}

/** True for a native executable (ELF, Mach-O, PE), false for a missing file or a placeholder script. */
function isNative(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, "r");
    const head = new Uint8Array(4);
    readSync(fd, head, 0, 4, 0);
    const magic = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join("");
    return magic === "7f454c46" || magic.startsWith("4d5a") || ["cffaedfe", "cefaedfe", "cafebabe"].includes(magic);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `name`'s directory as `from` (a file) would import it, or undefined. */
function packageDir(from: string, name: string): string | undefined {
  try {
    return dirname(createRequire(from).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * The binary of the `deno` or `bun` npm package: the user's project first
 * (resolved from the working directory), then the copy next to omniserve; in
 * each, the package's own binary, then its platform package's. `missing` names
 * a package that is there without any binary (its install script did not run
 * and no platform package was installed).
 */
export function packagedBinary(runtime: Packaged): { bin?: string; missing?: string } {
  let missing: string | undefined;
  for (const from of [join(process.cwd(), "package.json"), fileURLToPath(import.meta.url)]) {
    const dir = packageDir(from, runtime);
    if (!dir) continue;
    const bin = join(dir, INSTALLED[runtime]);
    if (isNative(bin)) return { bin };
    for (const { name, exe } of platformPackages(runtime)) {
      const platformDir = packageDir(join(dir, "package.json"), name);
      if (platformDir && isNative(join(platformDir, exe))) return { bin: join(platformDir, exe) };
    }
    missing ??= dir;
  }
  return { missing };
}
