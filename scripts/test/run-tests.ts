// The test command: type check, then vitest with its JSON reporter, then one plain closing line that CI counts.
/*
 * CI reads the last lines of the run and does not recognise vitest's own summary, so this prints
 * `tests: N passed, M failed` (and `, K skipped` when there are any), taken from vitest's JSON report, as the very
 * last line. The exit code is non-zero on any failure: a type error, a failed test, a test file that did not load,
 * or a vitest run that ended badly without a report. Extra arguments go to vitest (a file filter, `-t name`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reportFile = path.join(root, 'test-output', 'vitest.json');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

/**
 * The counts CI reads. A failure that is no test's (a type error, a test file that did not load, an error vitest
 * caught outside any test, no report at all) counts as one more failure, so the line never says 0 failed for a
 * run that failed.
 */
export function closingLine(report: VitestJson | undefined, outside: { typecheckFailed: boolean; runnerFailed: boolean }): { line: string; failed: number } {
  const passed = report?.numPassedTests ?? 0;
  const failedTests = report?.numFailedTests ?? 0;
  const failedOutsideTests = report === undefined || (outside.runnerFailed && failedTests === 0) || (report.success === false && failedTests === 0);
  const failed = failedTests + (failedOutsideTests ? 1 : 0) + (outside.typecheckFailed ? 1 : 0);
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
  return { line: `tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`, failed };
}

function main(): number {
  const vitestArgs = process.argv.slice(2);
  let typecheckFailed = false;
  if (vitestArgs.length === 0) {
    const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', '.'], { cwd: root, stdio: 'inherit' });
    typecheckFailed = tsc.status !== 0;
    if (typecheckFailed) console.error('type check failed (tsc --noEmit -p .): the tests run anyway, the run fails');
  }
  mkdirSync(path.dirname(reportFile), { recursive: true });
  rmSync(reportFile, { force: true });
  const vitest = spawnSync(bin('vitest'), ['run', '--reporter=./scripts/test/vitest-reporter.ts', '--reporter=json', `--outputFile.json=${reportFile}`, ...vitestArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  let report: VitestJson | undefined;
  if (existsSync(reportFile)) {
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJson;
    } catch (err) {
      console.error(`could not read vitest's JSON report ${reportFile}: ${String(err)}`);
    }
  } else {
    console.error(`vitest wrote no JSON report (exit ${vitest.status ?? vitest.signal}): counted as one failure`);
  }
  const { line, failed } = closingLine(report, { typecheckFailed, runnerFailed: vitest.status !== 0 });
  console.log(line);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
