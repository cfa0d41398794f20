// The closing line of the test command, which CI counts: the counts, and failures that are no test's.
import { describe, expect, it } from 'vitest';
import { closingLine } from '../../../../scripts/test/run-tests.ts';

const report = (over: Partial<Parameters<typeof closingLine>[0] & object> = {}) => ({
  numPassedTests: 776,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  success: true,
  ...over,
});
const clean = { typecheckFailed: false, runnerFailed: false };

describe('closingLine', () => {
  it('prints the plain form CI reads', () => {
    expect(closingLine(report(), clean)).toEqual({ line: 'tests: 776 passed, 0 failed', failed: 0 });
    expect(closingLine(report({ numFailedTests: 2, success: false }), { ...clean, runnerFailed: true })).toEqual({ line: 'tests: 776 passed, 2 failed', failed: 2 });
    expect(closingLine(report({ numPendingTests: 3 }), clean).line).toBe('tests: 776 passed, 0 failed, 3 skipped');
  });

  it('never says 0 failed for a run that failed outside any test', () => {
    // A test file that did not load, or an unhandled error: vitest fails the run with no failed test.
    expect(closingLine(report({ success: false }), { ...clean, runnerFailed: true }).failed).toBe(1);
    expect(closingLine(undefined, { ...clean, runnerFailed: true })).toEqual({ line: 'tests: 0 passed, 1 failed', failed: 1 });
    expect(closingLine(report(), { typecheckFailed: true, runnerFailed: false })).toEqual({ line: 'tests: 776 passed, 1 failed', failed: 1 });
  });
});
