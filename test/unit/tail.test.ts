/**
 * A spawned server's stderr is kept bounded: TextTail on its own, then
 * watchServer() on a real child that writes more than the bound.
 */
import { spawn } from "node:child_process";
import { describe, expect, test } from "vitest";
import { TextTail } from "../../cli/_tail.ts";
import { STDERR_KEPT, watchServer } from "../../cli/spawn.ts";

describe("TextTail", () => {
  test("TextTail keeps the last `limit` characters and never more than twice that in memory", () => {
    const tail = new TextTail(10);
    let all = "";
    for (let i = 0; i < 100; i++) {
      const chunk = String(i).padStart(3, "0");
      tail.append(chunk);
      all += chunk;
      expect(tail.text()).toBe(all.slice(-10));
      expect(tail.length).toBe(all.length);
    }
  });

  test("TextTail.text(from) is what came after offset `from`, also once the front is dropped", () => {
    const tail = new TextTail(8);
    tail.append("abcdefgh");
    const mark = tail.length;
    tail.append("ijklmnopqrstu");
    expect(tail.text(mark)).toBe("nopqrstu"); // 13 characters came after the mark; the last 8 are kept
    const later = tail.length;
    tail.append("vw");
    expect(tail.text(later)).toBe("vw");
    expect(tail.text(tail.length)).toBe("");
    expect(tail.text()).toBe("opqrstuvw".slice(-8));
  });
});

test("watchServer(): a child that writes 3 MiB to stderr leaves only the last STDERR_KEPT characters, offsets still right", async () => {
  // A real process: 3 MiB of numbered lines on stderr, the ready line, then one more stderr line when stdin closes.
  const script = `
    const lines = [];
    for (let i = 0; i < 3 * 1024 * 64; i++) lines.push("line " + String(i).padStart(10, "0"));
    process.stderr.write(lines.join("\\n") + "\\n", () => console.log("omniserve: listening on http://127.0.0.1:1 (node)"));
    process.stdin.on("end", () => process.stderr.write("the end\\n")).resume();
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "pipe"] });
  const server = await watchServer(child, { runtime: "node", modulePath: "-e", bin: process.execPath });
  // The ready line may be read before the last of stderr is: wait (bounded) for all 3 MiB.
  const total = 3 * 1024 * 64 * 16;
  for (const deadline = Date.now() + 10_000; server.stderrLength() < total && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const mark = server.stderrLength();
  expect(mark).toBe(total);
  child.stdin!.end();
  await server.exited;
  expect(server.stderr(mark)).toBe("the end\n");
  const kept = server.stderr();
  expect(kept.length).toBe(STDERR_KEPT);
  expect(kept.endsWith(`line ${String(3 * 1024 * 64 - 1).padStart(10, "0")}\nthe end\n`)).toBe(true);
});
