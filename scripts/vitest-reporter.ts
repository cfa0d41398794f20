// vitest's default reporter without its closing summary, for the test command.
/*
 * CI counts tests from the run's last lines and reads only the plain `tests: N passed, M failed` line that
 * scripts/run-tests.ts prints. vitest's own summary ("Tests  808 passed (808)", "Duration … (tests 97%, …)") is
 * not in a form CI knows and could be taken for another runner's closing lines, so this reporter leaves it out.
 * Everything else is the default reporter's: a line per test file, slow tests, and every failure in full.
 */
import { DefaultReporter } from 'vitest/node';

type Files = Parameters<DefaultReporter['reportTestSummary']>[0];

export default class TestCommandReporter extends DefaultReporter {
  override reportTestSummary(files: Files): void {
    const seconds = (this.end - this.start) / 1000;
    this.log(`\nvitest: ${files.length} test files in ${seconds.toFixed(1)} s; the count is on the last line`);
  }
}
