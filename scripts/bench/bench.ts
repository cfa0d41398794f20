// Benchmark: the whole speed picture in one run. sohoa with each OCR engine, the tesseract command alone and
// OCRmyPDF on the same pages, pool size and models, in rotating order: pages per minute, CPU seconds per page, peak
// memory of the process tree, CER, and the speed ratios; then where a page's time goes, step by step.
// --memory: memory and pace over a long batch; --scale, --overhead, --report, --watch, --split: operational figures.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { loadGroundTruth, sampleBatchDir } from '../../samples/ground-truth.ts';
import { benchOverhead, benchReport, benchScaleOut, makeScaleBatch, median } from './bench-operations.ts';
import { benchMemory } from './memory-bench.ts';
import {
  benchTessdata, findImg2pdf, ocrmypdfName, ocrmypdfSystem, sohoaSystem, tesseractCliName, tesseractCliSystem, truthPdf, type SpeedSetup, type SpeedSystem,
  type SystemRun,
} from './speed-systems.ts';
import { printProfiles, profileRun } from './step-profile.ts';
import { formatTable } from './text-table.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'pool-size': { type: 'string', default: String(os.availableParallelism()) },
    batch: { type: 'string', default: sampleBatchDir },
    /** Leave out the tesseract command: no tesseract CLI system and no sohoa run on the native engine. */
    'no-tesseract': { type: 'boolean', default: false },
    /** A folder of plain traineddata for every system (sohoa gets it as --lang-data); default: the models sohoa reads by default. */
    'anchor-tessdata': { type: 'string' },
    /** One long batch: tree RSS at page 50 and at the end, and the pace early and late. */
    memory: { type: 'boolean', default: false },
    'memory-pages': { type: 'string', default: '500' },
    /** The engine of the --memory run; default the native one when Tesseract 5 is installed, else tesseract.js. */
    engine: { type: 'string' },
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
/** Every system reads the same languages as the pipeline the samples run with. */
const languages = (await loadPipeline('dossier')).stages.recognize.languages;

/** What is installed, asked once: each answer decides whether a system runs. */
interface Tools {
  /** "5.3.0" when `tesseract --version` answers. */
  tesseract: string | undefined;
  ocrmypdf: string | undefined;
  /** False for a sohoa build from before --engine: then it runs once, on its own engine. */
  sohoaEngineFlag: boolean;
}

function versionOf(command: string, pattern: RegExp): string | undefined {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? pattern.exec(`${result.stdout}${result.stderr}`)?.[1] : undefined;
}

function findTools(): Tools {
  const help = spawnSync(process.execPath, [cli, 'run', '--help'], { encoding: 'utf8' });
  return {
    tesseract: args['no-tesseract'] ? undefined : versionOf('tesseract', /tesseract v?(\d+\.\d+\.\d+)/),
    ocrmypdf: versionOf('ocrmypdf', /^(\S+)/),
    sohoaEngineFlag: help.stdout.includes('--engine'),
  };
}

/** The sohoa engines to compare: the native one needs Tesseract 5, as sohoa's own auto choice does. */
function sohoaEngines(tools: Tools): Array<string | undefined> {
  if (!tools.sohoaEngineFlag) return [undefined];
  return ['tesseract.js', ...(tools.tesseract?.startsWith('5.') ? ['tesseract'] : [])];
}

/** The systems that can run here, and a sentence for each one that cannot. */
async function chooseSystems(setup: SpeedSetup, tools: Tools, scratch: string): Promise<{ systems: SpeedSystem[]; skipped: string[] }> {
  const systems = sohoaEngines(tools).map((engine) => sohoaSystem(setup, engine));
  const skipped: string[] = [];
  if (!tools.sohoaEngineFlag) skipped.push('sohoa per engine: this build has no --engine, so it runs once on its own engine');
  else if (!tools.tesseract?.startsWith('5.')) skipped.push(`sohoa tesseract: needs Tesseract 5 (${tools.tesseract ?? 'none'} found)`);
  if (tools.tesseract) systems.push(tesseractCliSystem(setup));
  else skipped.push(args['no-tesseract'] ? 'tesseract CLI: --no-tesseract' : 'tesseract CLI: not installed');
  if (!tools.ocrmypdf) skipped.push('OCRmyPDF: not installed');
  else {
    const img2pdf = await findImg2pdf();
    if (img2pdf) systems.push(ocrmypdfSystem(setup, await truthPdf(img2pdf, setup, scratch)));
    else skipped.push('OCRmyPDF: no img2pdf command to make its input PDF (apt-get install img2pdf)');
  }
  return { systems, skipped };
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const pagesPerMinute = (r: SystemRun) => (r.pages * 60_000) / r.wallMs;
const cpuPerPage = (r: SystemRun) => r.cpuSeconds / r.pages;

function runLine(run: number, name: string, r: SystemRun): string {
  return (
    `run ${run}  ${name.padEnd(18)} ${pagesPerMinute(r).toFixed(1).padStart(6)} pages/min (${(r.wallMs / 1000).toFixed(1)} s), ` +
    `CPU ${cpuPerPage(r).toFixed(2)} s/page, peak tree RSS ${r.peakTreeRssMiB.toFixed(0)} MiB, CER ${pct(r.cer)}` +
    (r.cleanCer === undefined ? '' : ` (clean ${pct(r.cleanCer)})`)
  );
}

/** Median over runs of a system's pages/min over the reference's in the same run: the two saw the same machine state. */
function speedRatio(results: Map<string, SystemRun[]>, name: string, reference: string): string {
  const refs = results.get(reference);
  if (!refs) return '—';
  return median(results.get(name)!.map((r, i) => pagesPerMinute(r) / pagesPerMinute(refs[i]!))).toFixed(2);
}

function printMedians(results: Map<string, SystemRun[]>): void {
  const rows = [...results].map(([name, list]) => [
    name,
    median(list.map(pagesPerMinute)).toFixed(1),
    median(list.map(cpuPerPage)).toFixed(2),
    median(list.map((r) => r.peakTreeRssMiB)).toFixed(0),
    pct(median(list.map((r) => r.cer))),
    speedRatio(results, name, tesseractCliName),
    speedRatio(results, name, ocrmypdfName),
  ]);
  console.log(`\nmedians over ${runs} runs:`);
  console.log(formatTable(['system', 'pages/min', 'CPU s/page', 'peak tree RSS MiB', 'CER', `× ${tesseractCliName}`, `× ${ocrmypdfName}`], rows));
}

/** The last run's CER of every page, one column per sohoa engine. */
function printPerPage(results: Map<string, SystemRun[]>): void {
  const last = [...results].flatMap(([name, list]) => (list.at(-1)?.perPage ? [{ name, run: list.at(-1)! }] : []));
  const labels = last[0]?.run.perPage?.map((p) => p.label) ?? [];
  console.log('\nCER per page, last run:');
  console.log(formatTable(['page', ...last.map((l) => l.name)], labels.map((label, i) => [label, ...last.map((l) => pct(l.run.perPage![i]!.cer))])));
}

/** The default mode: every system on the samples `runs` times, rotating who goes first, then the step profile. */
async function compare(): Promise<void> {
  const truth = loadGroundTruth();
  const tools = findTools();
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-shared-'));
  try {
    const langData = args['anchor-tessdata'];
    const tessdataDir = await benchTessdata(languages, langData, await mkdtemp(path.join(scratch, 'tessdata-')));
    // sohoa is given the folder too: the native engine would otherwise read the models installed with the command.
    const setup: SpeedSetup = { batch: args.batch, truth, poolSize, languages, tessdataDir, langData: tessdataDir };
    const { systems, skipped } = await chooseSystems(setup, tools, scratch);
    console.log(
      `sohoa bench: ${truth.pages.length} pages, ${runs} runs, pool ${poolSize}, ${os.availableParallelism()} cores, node ${process.version}; ` +
        `every system reads ${langData ?? 'npm 4.0.0_best_int'} (${languages.join('+')}); tesseract ${tools.tesseract ?? '—'}, OCRmyPDF ${tools.ocrmypdf ?? '—'}`,
    );
    for (const reason of skipped) console.log(`  skipped: ${reason}`);
    const results = new Map<string, SystemRun[]>(systems.map((s) => [s.name, []]));
    for (let run = 1; run <= runs; run++) {
      // Rotating order: whoever runs first (cold caches) or last (a warm, possibly throttled machine) changes each run.
      for (const system of systems.map((_, k) => systems[(run + k) % systems.length]!)) {
        const result = await system.run();
        results.get(system.name)!.push(result);
        console.log(runLine(run, system.name, result));
      }
    }
    printMedians(results);
    printPerPage(results);
    const profiles = [];
    for (const engine of sohoaEngines(tools)) profiles.push(await profileRun({ batch: args.batch, engine, langData: tessdataDir }));
    printProfiles(profiles);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

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
    await benchSplit({ runs, sampleBatch: args.batch, poolSize, languages });
  }
}

async function main(): Promise<void> {
  if (args.scale || args.overhead || args.report || args.watch || args.split) return operations();
  if (args.memory) {
    // The last engine sohoaEngines lists is the native one when it can run, else tesseract.js.
    const engine = args.engine ?? sohoaEngines(findTools()).at(-1);
    return benchMemory({ sampleBatch: args.batch, samplePages: loadGroundTruth().pages.length, pages: Number(args['memory-pages']), poolSize, engine, langData: args['anchor-tessdata'] });
  }
  return compare();
}

await main();
