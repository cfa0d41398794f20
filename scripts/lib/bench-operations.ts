// Benchmarks of the operational parts: queue scale-out, metrics and logging overhead, and the 500-page batch report.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sohoa(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...argv], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function pagesDone(stdout: string): number {
  return stdout.split('\n').filter((line) => line.includes('"event":"page.done"')).length;
}

/**
 * A larger batch for the scale-out figure: the sample dossiers copied `copies` times as folders (one dossier per
 * folder, one document per file), so two workers have several dossiers each and start-up weighs less.
 */
export async function makeScaleBatch(sampleBatch: string, copies: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-scale-'));
  for (let i = 1; i <= copies; i++) {
    for (const dossier of ['HS-001', 'HS-002']) await cp(path.join(sampleBatch, dossier), path.join(dir, `${dossier}-${i}`), { recursive: true });
  }
  return dir;
}

/**
 * Queue overhead: the same batch through one `sohoa run` with two OCR workers, and through PostgreSQL with two
 * `sohoa worker` processes of one OCR worker each (enqueue included, each in a fresh database). Wall time from
 * start to the last process's exit, start-up of every process included.
 */
export async function benchScaleOut(options: { runs: number; batch: string; queueUrl: (run: number) => Promise<string> }): Promise<void> {
  const single: number[] = [];
  const queued: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const outA = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-a-'));
    const outB = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-b-'));
    try {
      let started = performance.now();
      const a = await sohoa(['run', options.batch, '--out', outA, '--no-progress', '--pool-size', '2']);
      const aMs = performance.now() - started;
      if (a.code !== 0) throw new Error(`sohoa run exited ${a.code}: ${a.stderr.slice(0, 500)}`);
      const pages = pagesDone(a.stdout);

      const queue = await options.queueUrl(run);
      started = performance.now();
      const enqueue = await sohoa(['enqueue', options.batch, '--queue', queue, '--out', outB]);
      if (enqueue.code !== 0) throw new Error(`enqueue exited ${enqueue.code}: ${enqueue.stderr.slice(0, 500)}`);
      const workers = await Promise.all(
        [1, 2].map(() => sohoa(['worker', '--queue', queue, '--pool-size', '1', '--concurrency', '2', '--exit-when-idle', '--metrics-port', '0'])),
      );
      const bMs = performance.now() - started;
      for (const w of workers) if (w.code !== 0) throw new Error(`worker exited ${w.code}: ${w.stderr.slice(0, 500)}`);
      const queuedPages = workers.reduce((n, w) => n + pagesDone(w.stdout), 0);
      if (queuedPages !== pages) throw new Error(`the workers did ${queuedPages} pages, the run ${pages}`);
      single.push((pages * 60_000) / aMs);
      queued.push((pages * 60_000) / bMs);
      console.log(
        `scale run ${run}: ${pages} pages; 1 process × 2 OCR workers ${single.at(-1)!.toFixed(1)} pages/min (${(aMs / 1000).toFixed(1)} s) | ` +
          `2 workers × 1 OCR worker via PostgreSQL ${queued.at(-1)!.toFixed(1)} pages/min (${(bMs / 1000).toFixed(1)} s) | ratio ${(queued.at(-1)! / single.at(-1)!).toFixed(3)}`,
      );
    } finally {
      await rm(outA, { recursive: true, force: true });
      await rm(outB, { recursive: true, force: true });
    }
  }
  console.log(`  median ratio queued/single   ${median(queued.map((q, i) => q / single[i]!)).toFixed(3)} (target ≥ 0.9); medians ${median(queued).toFixed(1)} / ${median(single).toFixed(1)} pages/min`);
}

/**
 * Metrics and logging overhead: `sohoa run` silent without metrics, with info logs, and with info logs and the
 * metrics endpoint, in rotating order run by run so drift hits all alike. Every run writes the same outputs.
 */
export async function benchOverhead(options: { runs: number; batch: string }): Promise<void> {
  const modes = {
    silent: ['--log-level', 'silent'],
    logs: ['--log-level', 'info'],
    'logs+metrics': ['--log-level', 'info', '--metrics-port', '0'],
  } as const;
  const names = Object.keys(modes) as Array<keyof typeof modes>;
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let run = 1; run <= options.runs; run++) {
    const order = names.map((_, i) => names[(i + run) % names.length]!);
    for (const mode of order) {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-o-'));
      try {
        const started = performance.now();
        const result = await sohoa(['run', options.batch, '--out', out, '--no-progress', '--pool-size', '2', ...modes[mode]]);
        if (result.code !== 0) throw new Error(`sohoa run exited ${result.code}: ${result.stderr.slice(0, 500)}`);
        times[mode]!.push(performance.now() - started);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    console.log(`overhead run ${run}: ${names.map((n) => `${n} ${(times[n]!.at(-1)! / 1000).toFixed(2)} s`).join(', ')}`);
  }
  const base = median(times['silent']!);
  for (const mode of ['logs', 'logs+metrics'] as const) {
    console.log(`  ${mode.padEnd(14)} cost ${((median(times[mode]!) / base - 1) * 100).toFixed(1)} % of wall time (median ${(median(times[mode]!) / 1000).toFixed(2)} s against ${(base / 1000).toFixed(2)} s silent; target ≤ 2 %)`);
  }
}

/** The 500-page batch report in headless chromium: size and time to the load event, median of several opens. */
export async function benchReport(options: { runs: number; chromium: string }): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { syntheticReport } = await import('../../test/support/report-fixtures.ts');
  const { loadGroundTruth, samplePath } = await import('../../test/fixtures/index.ts');
  const { makeThumbnail } = await import('../../src/report/thumbnails.ts');
  const { renderReportHtml } = await import('../../src/report/report-html.ts');
  const truth = loadGroundTruth().pages;
  const thumbnails = await Promise.all(truth.map((p) => makeThumbnail(samplePath(p.file), { page: p.filePageNumber - 1 })));
  const { report, documents } = syntheticReport({ pages: 500, failEvery: 50, thumbnails });
  const html = renderReportHtml(report, documents, { lang: 'vi' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-report-'));
  const file = path.join(dir, 'report.html');
  await writeFile(file, html);
  const browser = await chromium.launch({ executablePath: options.chromium, args: ['--no-sandbox'] });
  const loads: number[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const started = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      loads.push(performance.now() - started);
      await page.close();
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
  const sizeBytes = Buffer.byteLength(html);
  console.log(`report of 500 pages: ${(sizeBytes / 1024 / 1024).toFixed(2)} MiB (target < 5 MB), load ${loads.map((ms) => ms.toFixed(0)).join(', ')} ms, median ${median(loads).toFixed(0)} ms (target < 2000 ms)`);
}
