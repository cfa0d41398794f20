// The terminal progress bar: pages done of total, pages per minute and time left.
import { SingleBar } from 'cli-progress';
import type { BatchProgress } from '../pipeline/run-batch.ts';

export interface ProgressView {
  update(progress: BatchProgress): void;
  stop(): void;
}

/** Rate and ETA from the pages processed so far in this run (skipped pages do not count toward speed). */
export function progressFigures(progress: BatchProgress, elapsedMs: number): { pagesPerMinute: number; etaSeconds: number | undefined } {
  const processed = progress.pagesDone + progress.pagesFailed;
  const pagesPerMinute = elapsedMs > 0 ? (processed * 60_000) / elapsedMs : 0;
  const remaining = progress.pagesTotal - processed - progress.pagesSkipped;
  const etaSeconds = pagesPerMinute > 0 ? Math.round((remaining / pagesPerMinute) * 60) : undefined;
  return { pagesPerMinute, etaSeconds };
}

function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '--:--';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const started = performance.now();
  const bar = new SingleBar(
    {
      stream,
      format: 'pages {bar} {value}/{total} | {failed} failed | {rate} pages/min | ETA {etaText}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 1,
    },
    undefined,
  );
  let startedBar = false;
  return {
    update(progress) {
      const { pagesPerMinute, etaSeconds } = progressFigures(progress, performance.now() - started);
      const payload = { failed: progress.pagesFailed, rate: pagesPerMinute.toFixed(1), etaText: formatEta(etaSeconds) };
      const value = progress.pagesDone + progress.pagesFailed + progress.pagesSkipped;
      if (!startedBar) {
        bar.start(progress.pagesTotal, value, payload);
        startedBar = true;
      } else {
        bar.setTotal(progress.pagesTotal);
        bar.update(value, payload);
      }
    },
    stop() {
      if (startedBar) bar.stop();
    },
  };
}
