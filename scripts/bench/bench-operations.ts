// Benchmarks of the operational parts: queue scale-out, metrics and logging overhead, and the 500-page batch report.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommand, type CommandResult } from './run-command.ts';

const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const sohoa = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> => runCommand(process.execPath, [cli, ...argv], env);

/**
 * Runs the CLI under bash and reads its `times` builtin: the CPU seconds (user + system) the child used, worker
 * threads included. CPU time moves far less than wall time when the host is busy, so small costs show through.
 */
async function sohoaCpu(argv: string[]): Promise<CommandResult & { cpuMs: number }> {
  const result = await runCommand('bash', ['-c', '"$@"; status=$?; times >&2; exit $status', 'bash', process.execPath, cli, ...argv]);
  // `times` prints the shell's own user/system time, then its children's: "0m26.966s 0m0.964s".
  const lines = result.stderr.trim().split('\n');
  const seconds = [...(lines.at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`could not read the CPU time from bash's times: ${lines.at(-1)}`);
  return { ...result, cpuMs: (seconds[0]! + seconds[1]!) * 1000 };
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
  const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  let infoLog = '';
  for (let run = 1; run <= options.runs; run++) {
    const order = names.map((_, i) => names[(i + run) % names.length]!);
    for (const mode of order) {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-o-'));
      try {
        const started = performance.now();
        const result = await sohoaCpu(['run', options.batch, '--out', out, '--no-progress', '--pool-size', '2', ...modes[mode]]);
        if (result.code !== 0) throw new Error(`sohoa run exited ${result.code}: ${result.stderr.slice(0, 500)}`);
        wall[mode]!.push(performance.now() - started);
        cpu[mode]!.push(result.cpuMs);
        if (mode === 'logs') infoLog = result.stdout;
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    console.log(`overhead run ${run}: ${names.map((n) => `${n} ${(wall[n]!.at(-1)! / 1000).toFixed(2)} s (CPU ${(cpu[n]!.at(-1)! / 1000).toFixed(2)} s)`).join(', ')}`);
  }
  // Paired by run: the three modes of one run share the machine's state of the moment.
  const cost = (series: Record<string, number[]>, mode: string) => median(series[mode]!.map((t, i) => t / series['silent']![i]! - 1)) * 100;
  for (const mode of ['logs', 'logs+metrics'] as const) {
    console.log(
      `  ${mode.padEnd(14)} costs ${cost(cpu, mode).toFixed(1)} % CPU time, ${cost(wall, mode).toFixed(1)} % wall time (medians of per-run costs; ` +
        `median CPU ${(median(cpu[mode]!) / 1000).toFixed(2)} s against ${(median(cpu['silent']!) / 1000).toFixed(2)} s silent); target ≤ 2 %`,
    );
  }
  const direct = await directCost(infoLog);
  const share = (ms: number) => ((ms / median(cpu['silent']!)) * 100).toFixed(3);
  console.log(
    `  direct cost, the same work done alone ${direct.repetitions} times: ${direct.logLines} info log lines ${direct.logMs.toFixed(2)} ms (${share(direct.logMs)} % of a silent run's CPU), ` +
      `metrics for ${direct.pages} pages, ${direct.documents} documents and one scrape ${direct.metricsMs.toFixed(2)} ms (${share(direct.metricsMs)} %)`,
  );
}

/**
 * The CPU time logging and metrics take for one run, measured alone and repeated so the clock can see it: the run's
 * own info log lines written again through sohoa's logger to /dev/null, and the metric updates of its pages and
 * documents plus one scrape. The end-to-end runs above cannot resolve costs this small against run-to-run noise.
 */
async function directCost(infoLog: string): Promise<{ repetitions: number; logLines: number; logMs: number; pages: number; documents: number; metricsMs: number }> {
  const { pino } = await import('pino');
  const { createLogger } = await import('../../src/log.ts');
  const { Metrics } = await import('../../src/metrics/metrics.ts');
  const entries = infoLog
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const { level: _level, time: _time, service: _service, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
      return { msg: String(msg ?? ''), fields };
    });
  const pages = entries.filter((e) => e.fields['event'] === 'page.done');
  const documents = entries.filter((e) => e.fields['event'] === 'document.stored');
  const repetitions = 200;
  const cpuMs = (started: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000 / repetitions;
  };

  const log = createLogger({ level: 'info', pretty: false, destination: pino.destination({ dest: '/dev/null', sync: true }) });
  let started = process.cpuUsage();
  for (let r = 0; r < repetitions; r++) for (const entry of entries) log.info(entry.fields, entry.msg);
  const logMs = cpuMs(started);

  const metrics = new Metrics({ version: 'bench' });
  started = process.cpuUsage();
  for (let r = 0; r < repetitions; r++) {
    for (const page of pages) {
      const f = page.fields as { normalizeMs: number; recognizeMs: number; meanConfidence: number };
      metrics.pageDone({ normalizeMs: f.normalizeMs, recognizeMs: f.recognizeMs, meanConfidence: f.meanConfidence, inputBytes: 100_000 });
    }
    for (const doc of documents) {
      const f = doc.fields as { extractMs?: number; assembleMs?: number; storeMs?: number };
      metrics.documentStored({ extractMs: f.extractMs, assembleMs: f.assembleMs, storeMs: f.storeMs });
      metrics.bytesOut(50_000);
    }
    await metrics.text();
  }
  const metricsMs = cpuMs(started);
  return { repetitions, logLines: entries.length, logMs, pages: pages.length, documents: documents.length, metricsMs };
}

/** The 500-page batch report in headless chromium: size and time to the load event, median of several opens. */
export async function benchReport(options: { runs: number; chromium: string }): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { syntheticReport } = await import('../lib/synthetic-report.ts');
  const { loadGroundTruth, samplePath } = await import('../../samples/ground-truth.ts');
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
