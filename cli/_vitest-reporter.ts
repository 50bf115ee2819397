/**
 * The vitest reporter `omniserve test` adds to a vitest command, beside the
 * user's `default`: it writes each test's outcome to the file named by
 * `OMNISERVE_VITEST_REPORT` and prints nothing. (vitest's own json reporter
 * prints "JSON report written to <file>" for a temporary file omniserve
 * deletes, once per runtime.) Loaded by the user's vitest from its path; it
 * imports nothing of vitest, so any version can load it: `onTestRunEnd` is
 * vitest 3 and later, `onFinished` vitest 1 and 2.
 * @module
 */
import { writeFileSync } from "node:fs";
import process from "node:process";

/** A test's outcome, as the matrix counts it. */
export type TestStatus = "passed" | "failed" | "skipped";

interface TestCase {
  fullName: string;
  result(): { state: string };
}
interface TestModule {
  children: { allTests(): Iterable<TestCase> };
}
/** vitest 1 and 2: a tree of tasks. */
interface Task {
  type: string;
  name: string;
  mode?: string;
  result?: { state?: string };
  tasks?: Task[];
}

const status = (state: string | undefined): TestStatus =>
  state === "passed" || state === "pass" ? "passed" : state === "failed" || state === "fail" ? "failed" : "skipped";

function write(tests: Record<string, TestStatus>): void {
  const file = process.env.OMNISERVE_VITEST_REPORT;
  if (file) writeFileSync(file, JSON.stringify({ tests }));
}

export default class OmniserveReporter {
  #done = false;

  onTestRunEnd(modules: readonly TestModule[]): void {
    const tests: Record<string, TestStatus> = {};
    for (const module of modules) for (const test of module.children.allTests()) tests[test.fullName] = status(test.result().state);
    this.#done = true;
    write(tests);
  }

  onFinished(files: Task[] = []): void {
    if (this.#done) return; // vitest 3 calls both
    const tests: Record<string, TestStatus> = {};
    const walk = (task: Task, names: string[]) => {
      if (task.type === "test") tests[[...names, task.name].join(" > ")] = status(task.result?.state ?? task.mode);
      for (const child of task.tasks ?? []) walk(child, task.type === "suite" ? [...names, task.name] : names);
    };
    for (const file of files) for (const task of file.tasks ?? []) walk(task, []);
    write(tests);
  }
}
