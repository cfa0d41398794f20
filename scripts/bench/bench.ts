// Benchmark: digitizes the samples several times and prints throughput, latency, peak memory and CER,
// next to the native `tesseract` command run on the same pages with the same parallelism when it is installed.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { characterErrorRate, pooledCer, type CerResult } from '../../src/domain/text-metrics.ts';
import { createLimiter } from '../../src/common/limiter.ts';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { loadGroundTruth, sampleBatchDir, type GroundTruth } from '../../samples/ground-truth.ts';
import { scoreOutput } from '../eval/score-output.ts';
import { benchOverhead, benchReport, benchScaleOut, makeScaleBatch, median } from './bench-operations.ts';
import { runCommand } from './run-command.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'pool-size': { type: 'string', default: String(os.availableParallelism()) },
    'lang-data': { type: 'string' },
    batch: { type: 'string', default: sampleBatchDir },
    'no-tesseract': { type: 'boolean', default: false },
    /** `npm`: give the tesseract command the same models sohoa loads by default (gunzipped from the npm packages). */
    'anchor-tessdata': { type: 'string' },
    /** Queue overhead: 2 worker processes × 1 OCR worker through PostgreSQL against 1 process × 2 OCR workers. */
    scale: { type: 'boolean', default: false },
    /** Copies of the sample dossiers in the --scale batch. */
    'scale-copies': { type: 'string', default: '3' },
    /** Metrics and logging overhead: runs with and without them, alternated. */
    overhead: { type: 'boolean', default: false },
    /** The 500-page report in headless chromium (SOHOA_CHROMIUM or /usr/bin/chromium). */
    report: { type: 'boolean', default: false },
    /** `sohoa watch`: start latency (folder events, S3 polls on fauxqs) and the idle cost of 5,000 finished batches. */
    watch: { type: 'boolean', default: false },
    /** Separator search on a stack made from the samples, against the OCR of the same run. */
    split: { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const poolSize = Number(args['pool-size']);
const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

interface SohoaRun {
  wallMs: number;
  pages: number;
  pagesPerMinute: number;
  pageMs: number[];
  maxRssMiB: number;
  cer: number;
  cleanCer: number;
  perPage: Array<{ label: string; cer: number }>;
}

interface TesseractRun {
  wallMs: number;
  pages: number;
  pagesPerMinute: number;
  cer: number;
}

async function runSohoa(truth: GroundTruth): Promise<SohoaRun> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-'));
  try {
    const argv = [cli, 'run', args.batch, '--out', out, '--no-progress', '--force', '--pool-size', String(poolSize)];
    if (args['lang-data']) argv.push('--lang-data', args['lang-data']);
    const started = performance.now();
    const result = await runCommand(process.execPath, argv);
    const wallMs = performance.now() - started;
    if (result.code !== 0) throw new Error(`sohoa exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
    const events = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number | string>);
    const finished = events.find((e) => e['event'] === 'batch.finished');
    const pageMs = events.filter((e) => e['event'] === 'page.done').map((e) => Number(e['normalizeMs']) + Number(e['recognizeMs']));
    const batchId = String(finished?.['batchId']);
    const scores = await scoreOutput(out, batchId, truth);
    return {
      wallMs,
      pages: pageMs.length,
      pagesPerMinute: (pageMs.length * 60_000) / wallMs,
      pageMs,
      maxRssMiB: Number(finished?.['maxRssMiB']),
      cer: scores.cer,
      cleanCer: scores.cleanCer,
      perPage: scores.pages.map((s) => ({ label: `${s.page.file}#${s.page.filePageNumber} [${s.page.conditions.join(',')}]`, cer: s.cer })),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** A tessdata folder with the npm packages' 4.0.0_best_int models, so the anchor can run on sohoa's own models. */
async function npmTessdata(): Promise<string> {
  const require = createRequire(import.meta.url);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-tessdata-'));
  for (const lang of anchorLanguages) {
    const pkg = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    await writeFile(path.join(dir, `${lang}.traineddata`), gunzipSync(await readFile(path.join(pkg, '4.0.0_best_int', `${lang}.traineddata.gz`))));
  }
  return dir;
}

let anchorTessdata: string | undefined;
/** The anchor reads the same languages as the pipeline the samples run with. */
const anchorLanguages = (await loadPipeline('dossier')).stages.recognize.languages;

/** The anchor: Tesseract's own command line, one process per file, `poolSize` at a time, one thread each. */
async function runTesseract(truth: GroundTruth): Promise<TesseractRun> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-tess-'));
  try {
    const files = [...new Set(truth.pages.map((p) => p.file))];
    const limit = createLimiter(poolSize);
    const env = { OMP_THREAD_LIMIT: '1' };
    const started = performance.now();
    const texts = new Map<string, string[]>();
    await Promise.all(
      files.map((file, i) =>
        limit(async () => {
          const base = path.join(out, String(i));
          const tessdata = anchorTessdata ? ['--tessdata-dir', anchorTessdata] : [];
          const result = await runCommand('tesseract', [path.join(args.batch, file), base, ...tessdata, '-l', anchorLanguages.join('+'), '--psm', '3', 'txt', 'pdf'], env);
          if (result.code !== 0) throw new Error(`tesseract failed on ${file}: ${result.stderr}`);
          texts.set(file, (await readFile(`${base}.txt`, 'utf8')).split('\f'));
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const scores: CerResult[] = truth.pages.map((p) => characterErrorRate(p.text, texts.get(p.file)?.[p.filePageNumber - 1] ?? ''));
    return { wallMs, pages: truth.pages.length, pagesPerMinute: (truth.pages.length * 60_000) / wallMs, cer: pooledCer(scores) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** --scale, --overhead, --report, --watch, --split: the operational figures, each on its own (the OCR bench is not run then). */
async function operations(): Promise<void> {
  console.log(`sohoa operations bench: ${runs} runs, ${os.availableParallelism()} cores, node ${process.version}`);
  if (args.overhead) await benchOverhead({ runs, batch: args.batch });
  if (args.scale) {
    const batch = await makeScaleBatch(args.batch, Number(args['scale-copies']));
    // Embedded PostgreSQL 18 (dev dependency) on 127.0.0.1, a fresh database per run.
    const { startPostgresServer } = await import('../lib/postgres-server.ts');
    const pg = await startPostgresServer();
    try {
      await benchScaleOut({ runs, batch, queueUrl: (run) => pg.createDatabase(`bench_${run}`) });
    } finally {
      await pg.stop();
      await rm(batch, { recursive: true, force: true });
    }
  }
  if (args.report) await benchReport({ runs: Math.max(runs, 5), chromium: process.env['SOHOA_CHROMIUM'] || '/usr/bin/chromium' });
  if (args.watch) {
    const { benchWatch } = await import('./watch-bench.ts');
    await benchWatch({ runs: Math.max(runs, 5), batches: 5_000, idleSeconds: 60 });
  }
  if (args.split) {
    const { benchSplit } = await import('./split-bench.ts');
    await benchSplit({ runs, sampleBatch: args.batch, poolSize, languages: anchorLanguages });
  }
}

async function main(): Promise<void> {
  if (args.scale || args.overhead || args.report || args.watch || args.split) return operations();
  const truth = loadGroundTruth();
  const haveTesseract = !args['no-tesseract'] && spawnSync('tesseract', ['--version']).status === 0;
  if (haveTesseract && args['anchor-tessdata']) anchorTessdata = args['anchor-tessdata'] === 'npm' ? await npmTessdata() : args['anchor-tessdata'];
  const sohoaModels = args['lang-data'] ?? 'npm 4.0.0_best_int';
  const anchorModels = args['anchor-tessdata'] ?? 'its default tessdata';
  console.log(`sohoa bench: ${truth.pages.length} pages, ${runs} runs, pool ${poolSize}, ${os.availableParallelism()} cores, node ${process.version}; sohoa models: ${sohoaModels}${haveTesseract ? `; anchor: tesseract CLI (${anchorModels}), ${poolSize} processes, 1 thread each` : '; no tesseract CLI installed'}`);
  const sohoaRuns: SohoaRun[] = [];
  const tessRuns: TesseractRun[] = [];
  for (let i = 1; i <= runs; i++) {
    const s = await runSohoa(truth);
    sohoaRuns.push(s);
    let line = `run ${i}: sohoa ${s.pagesPerMinute.toFixed(1)} pages/min (${(s.wallMs / 1000).toFixed(1)} s), median ${(median(s.pageMs) / 1000).toFixed(2)} s/page, peak ${s.maxRssMiB} MiB, CER ${pct(s.cer)} (clean ${pct(s.cleanCer)})`;
    if (haveTesseract) {
      const t = await runTesseract(truth);
      tessRuns.push(t);
      line += ` | tesseract ${t.pagesPerMinute.toFixed(1)} pages/min, CER ${pct(t.cer)} | ratio ${(s.pagesPerMinute / t.pagesPerMinute).toFixed(2)}`;
    }
    console.log(line);
  }
  console.log('\nCER per page (last run):');
  for (const p of sohoaRuns.at(-1)?.perPage ?? []) console.log(`  ${p.label.padEnd(60)} ${pct(p.cer)}`);
  console.log('\nmedians:');
  console.log(`  sohoa pages/min            ${median(sohoaRuns.map((r) => r.pagesPerMinute)).toFixed(1)}`);
  console.log(`  sohoa s/page (latency)     ${(median(sohoaRuns.flatMap((r) => r.pageMs)) / 1000).toFixed(2)}`);
  console.log(`  sohoa peak RSS MiB         ${median(sohoaRuns.map((r) => r.maxRssMiB))}`);
  console.log(`  sohoa CER overall / clean  ${pct(median(sohoaRuns.map((r) => r.cer)))} / ${pct(median(sohoaRuns.map((r) => r.cleanCer)))}`);
  if (tessRuns.length > 0) {
    console.log(`  tesseract pages/min        ${median(tessRuns.map((r) => r.pagesPerMinute)).toFixed(1)}`);
    console.log(`  tesseract CER              ${pct(median(tessRuns.map((r) => r.cer)))}`);
    console.log(`  ratio sohoa/tesseract      ${median(sohoaRuns.map((r, i) => r.pagesPerMinute / (tessRuns[i] as TesseractRun).pagesPerMinute)).toFixed(2)}`);
  }
}

await main();
