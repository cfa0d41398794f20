// Memory and pace over a long batch: the sample dossiers copied to about `pages` pages, one `sohoa run`, the RSS of
// the process tree and of sohoa's own process while pages 40–60 and 480–500 (or the last 20) were done, and whether
// pages slow down as the batch goes on.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeScaleBatch, median } from './bench-operations.ts';
import { measureCommand, type RssSample } from './run-command.ts';
import { sohoaRunArgv } from './speed-systems.ts';

/** Early enough that the workers are warm, late enough that start-up is over. */
const earlyWindow = { first: 40, last: 60 };
/** The pages 480–500 (or the last 20 of a shorter batch). */
const latePage = 500;
const lateWindowPages = 20;

interface PageDone {
  /** When the line reached us, on the clock of the RSS samples. */
  arrivedMs: number;
  /** The log line's own `time`. */
  loggedMs: number;
}

/**
 * Wall time between consecutive page.done lines, for the pages numbered `first`..`last` (1-based, each page's gap
 * to the one before it). With several workers this is the batch's pace, not one page's latency.
 */
function pageGapsMs(done: readonly PageDone[], first: number, last: number): number[] {
  const gaps: number[] = [];
  for (let n = Math.max(first, 2); n <= Math.min(last, done.length); n++) gaps.push(done[n - 1]!.loggedMs - done[n - 2]!.loggedMs);
  return gaps;
}

/** The RSS samples taken while pages `first`..`last` (1-based) were being finished. */
function window(samples: readonly RssSample[], done: readonly PageDone[], first: number, last: number): RssSample[] {
  const from = done[Math.max(0, first - 2)]?.arrivedMs ?? 0;
  const to = done[Math.min(done.length, last) - 1]?.arrivedMs ?? Infinity;
  return samples.filter((s) => s.atMs >= from && s.atMs <= to);
}

export async function benchMemory(options: { sampleBatch: string; samplePages: number; pages: number; poolSize: number; engine: string | undefined; langData: string | undefined }): Promise<void> {
  const copies = Math.ceil(options.pages / options.samplePages);
  const batch = await makeScaleBatch(options.sampleBatch, copies);
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-memory-'));
  try {
    console.log(`sohoa memory bench: the samples copied ${copies} times (${copies * options.samplePages} pages), pool ${options.poolSize}, engine ${options.engine ?? '(its own)'}`);
    const done: PageDone[] = [];
    const onStdoutLine = (line: string) => {
      if (!line.includes('"event":"page.done"')) return;
      done.push({ arrivedMs: Date.now(), loggedMs: Date.parse(String((JSON.parse(line) as { time?: unknown }).time)) });
    };
    const argv = [...sohoaRunArgv(batch, out, { poolSize: options.poolSize, engine: options.engine, langData: options.langData }), '--log-level', 'info'];
    const result = await measureCommand(process.execPath, argv, {}, { onStdoutLine });
    if (result.code !== 0) throw new Error(`sohoa run exited ${result.code}: ${result.stderr.slice(-2000)}`);
    const late = Math.min(latePage, done.length);
    const lateFirst = late - lateWindowPages + 1;
    const early = pageGapsMs(done, earlyWindow.first, earlyWindow.last);
    const last = pageGapsMs(done, lateFirst, late);
    const inEarly = window(result.rssSamples, done, earlyWindow.first, earlyWindow.last);
    const inLate = window(result.rssSamples, done, lateFirst, late);
    const mib = (v: number) => `${v.toFixed(0)} MiB`;
    const both = (samples: RssSample[]) =>
      `tree median ${mib(median(samples.map((s) => s.rssMiB)))} (max ${mib(Math.max(...samples.map((s) => s.rssMiB)))}), ` +
      `sohoa process median ${mib(median(samples.map((s) => s.topRssMiB)))} (max ${mib(Math.max(...samples.map((s) => s.topRssMiB)))})`;
    console.log(`  ${done.length} pages in ${(result.wallMs / 1000).toFixed(1)} s, CPU ${result.cpuSeconds.toFixed(1)} s; peak tree RSS ${mib(result.peakTreeRssMiB)}, sohoa process ${mib(Math.max(...result.rssSamples.map((s) => s.topRssMiB)))}`);
    console.log(`  RSS while pages ${earlyWindow.first}–${earlyWindow.last} were done: ${both(inEarly)}`);
    console.log(`  RSS while pages ${lateFirst}–${late} were done: ${both(inLate)}`);
    console.log(
      `  growth (medians): tree ${mib(median(inLate.map((s) => s.rssMiB)) - median(inEarly.map((s) => s.rssMiB)))}, ` +
        `sohoa process ${mib(median(inLate.map((s) => s.topRssMiB)) - median(inEarly.map((s) => s.topRssMiB)))}`,
    );
    console.log(
      `  median wall time per page: pages ${earlyWindow.first}–${earlyWindow.last} ${median(early).toFixed(0)} ms (${early.length} gaps), ` +
        `pages ${lateFirst}–${late} ${median(last).toFixed(0)} ms (${last.length} gaps)`,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
    await rm(batch, { recursive: true, force: true });
  }
}
