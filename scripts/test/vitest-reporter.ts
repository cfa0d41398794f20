// The test command's reporter: one plain line per test file, every failure in full, the tests' own output in a file.
/*
 * CI counts tests from the run's output and reads the plain `tests: N passed, M failed` line that
 * scripts/test/run-tests.ts prints last. CI also knows the closing lines of many other runners (node's test runner,
 * Swift's, ExUnit, …), so nothing else the run prints may look like one: not vitest's summary, not its
 * banner, not its check-marked "✓ file (5 tests)" lines, and not the measurements the tests log. So this reporter prints
 * "[12/89] test/unit/x.test.ts 0.3 s" per file (with FAILING and the test names when a test failed), vitest's
 * full report of every failure, and writes what the tests print to test-output/test-console.log.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { UserConsoleLog } from 'vitest';
import { DefaultReporter, type TestModule } from 'vitest/node';

type Files = Parameters<DefaultReporter['reportTestSummary']>[0];

const consoleFile = path.resolve('test-output', 'test-console.log');

export default class TestCommandReporter extends DefaultReporter {
  private done = 0;
  private total = 0;

  // vitest's banner (" RUN  v5.1.2 /path") is left out too: go test's output is made of "=== RUN" lines.
  override onInit(ctx: Parameters<DefaultReporter['onInit']>[0]): void {
    // On a terminal vitest draws its live summary, which needs its own start-up.
    if (this.isTTY) return super.onInit(ctx);
    this.ctx = ctx;
    this.silent ??= ctx.config.silent;
    this.log(`vitest ${ctx.version} in ${ctx.config.root}`);
  }

  override onTestRunStart(specifications: Parameters<DefaultReporter['onTestRunStart']>[0]): void {
    super.onTestRunStart(specifications);
    this.total = specifications.length;
    mkdirSync(path.dirname(consoleFile), { recursive: true });
    writeFileSync(consoleFile, '');
  }

  override printTestModule(testModule: TestModule): void {
    const state = testModule.state();
    if (state === 'queued' || state === 'pending') return;
    this.done++;
    const failing = [...testModule.children.allTests()].filter((t) => t.result().state === 'failed').map((t) => t.fullName);
    const seconds = ((testModule.diagnostic().duration ?? 0) / 1000).toFixed(1);
    const width = String(this.total).length;
    const head = `[${String(this.done).padStart(width)}/${this.total}] ${testModule.moduleId.replace(`${process.cwd()}${path.sep}`, '')} ${seconds} s`;
    const broken = state === 'failed' && failing.length === 0 ? ' FAILING: the file did not run (see the report below)' : '';
    this.log(failing.length > 0 ? `${head} FAILING: ${failing.join('; ')}` : `${head}${broken}`);
  }

  // Logs arrive before their test's result, so a failing test's output is in the file too, under its name.
  override onUserConsoleLog(log: UserConsoleLog): void {
    const task = log.taskId ? this.ctx.state.idMap.get(log.taskId) : undefined;
    appendFileSync(consoleFile, `${log.type} | ${task ? this.getFullName(task, ' > ') : 'unknown test'}\n${log.content}\n`);
  }

  override reportTestSummary(files: Files): void {
    const seconds = (this.end - this.start) / 1000;
    this.log(`\nvitest: ${files.length} test files in ${seconds.toFixed(1)} s; what the tests printed is in ${path.relative(process.cwd(), consoleFile)}`);
  }
}
