// The terminal progress line: pages done of total, failures, pages per minute and time left.
import type { BatchProgress } from '../pipeline/run-context.ts';

export interface ProgressView {
  update(progress: BatchProgress): void;
  /** Prints a line above the progress line (a warning), then redraws the progress line under it. */
  print(line: string): void;
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

export function progressLine(progress: BatchProgress, elapsedMs: number, widthChars = 30): string {
  const { pagesPerMinute, etaSeconds } = progressFigures(progress, elapsedMs);
  const finished = progress.pagesDone + progress.pagesFailed + progress.pagesSkipped;
  const filled = progress.pagesTotal > 0 ? Math.round((finished / progress.pagesTotal) * widthChars) : 0;
  const bar = `${'█'.repeat(filled)}${'░'.repeat(widthChars - filled)}`;
  const failed = progress.pagesFailed > 0 ? ` | ${progress.pagesFailed} failed` : '';
  const skipped = progress.pagesSkipped > 0 ? ` | ${progress.pagesSkipped} already done` : '';
  return `pages ${bar} ${finished}/${progress.pagesTotal}${failed}${skipped} | ${pagesPerMinute.toFixed(1)} pages/min | ETA ${formatEta(etaSeconds)}`;
}

const clearLine = '\r\x1b[2K';

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const started = performance.now();
  let last: BatchProgress | undefined;
  let stopped = false;
  const draw = () => {
    if (last && !stopped) stream.write(`${clearLine}${progressLine(last, performance.now() - started)}`);
  };
  // Redraw once a second so the rate and ETA move while a slow page is being read.
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    update(progress) {
      last = { ...progress };
      draw();
    },
    print(line) {
      stream.write(`${clearLine}${line.endsWith('\n') ? line : `${line}\n`}`);
      draw();
    },
    stop() {
      if (stopped) return;
      clearInterval(timer);
      draw();
      stopped = true;
      if (last) stream.write('\n');
    },
  };
}
