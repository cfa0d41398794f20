import { describe, expect, it } from 'vitest';
import { progressFigures } from '../../../src/cli/progress-bar.ts';

describe('progress figures', () => {
  it('derives pages per minute and time left from pages processed in this run', () => {
    const figures = progressFigures({ pagesTotal: 100, pagesDone: 18, pagesFailed: 2, pagesSkipped: 40 }, 30_000);
    expect(figures.pagesPerMinute).toBe(40);
    // 100 - 20 processed - 40 skipped = 40 pages left at 40 pages/min.
    expect(figures.etaSeconds).toBe(60);
  });

  it('has no ETA before the first page', () => {
    expect(progressFigures({ pagesTotal: 10, pagesDone: 0, pagesFailed: 0, pagesSkipped: 0 }, 5_000).etaSeconds).toBeUndefined();
  });
});

describe('progress line', () => {
  it('shows done/total, failures, already-done pages, rate and ETA', async () => {
    const { progressLine } = await import('../../../src/cli/progress-bar.ts');
    const line = progressLine({ pagesTotal: 10, pagesDone: 4, pagesFailed: 1, pagesSkipped: 0 }, 60_000, 10);
    expect(line).toBe('pages █████░░░░░ 5/10 | 1 failed | 5.0 pages/min | ETA 1:00');
  });
});
