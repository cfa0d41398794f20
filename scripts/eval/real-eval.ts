// The evaluation on real documents: samples/real/ (scans, photos and e-signed PDFs published by agencies) through
// `sohoa run`, scored against the fields read there by eye; CER against the bare `tesseract` CLI on the same pages;
// each page's output bytes over its input bytes.
// node scripts/eval/real-eval.ts [--dir samples/real] [--pipeline <name or .yaml>] [--keep <folder>] [--no-tesseract]
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { DocumentRecord } from '../../src/domain/record.ts';
import { characterErrorRate, pooledCer, type CerResult } from '../../src/domain/text-metrics.ts';
import { formatScoreTable, scoreFields, type FieldCounts } from '../../src/extract/field-metrics.ts';
import { readTruth, scoreDocument, scoredKeys } from './real-score.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { values } = parseArgs({ options: { dir: { type: 'string' }, pipeline: { type: 'string' }, keep: { type: 'string' }, 'no-tesseract': { type: 'boolean', default: false } } });
const setDir = path.resolve(values.dir ?? path.join(root, 'samples', 'real'));

const truth = await readTruth(setDir);
const work = values.keep ? path.resolve(values.keep) : await mkdtemp(path.join(tmpdir(), 'sohoa-real-eval-'));
try {
  const batch = path.join(work, 'real');
  const out = path.join(work, 'out');
  // Only what this script writes is cleared: a --keep folder may hold other things.
  await rm(batch, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
  for (const document of truth) {
    await mkdir(path.join(batch, document.id), { recursive: true });
    await copyFile(path.join(setDir, document.file), path.join(batch, document.id, path.basename(document.file)));
  }
  console.log(`Real documents: ${truth.length} from ${new Set(truth.map((d) => d.agency)).size} agencies (${setDir})`);
  const started = performance.now();
  const run = await runSohoa(batch, out);
  console.log(`sohoa run: exit ${run.code}, ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const records = new Map<string, DocumentRecord>();
  for (const document of truth) {
    const record = await readRecord(path.join(out, 'real', document.id));
    if (record) records.set(document.id, record);
  }

  // Fields.
  const counts: Map<string, FieldCounts>[] = [];
  const misses: string[] = [];
  for (const document of truth) {
    const scored = scoreDocument(document, records.get(document.id));
    counts.push(scored.counts);
    misses.push(...scored.misses);
  }
  const scores = scoreFields(scoredKeys, counts);
  console.log(`\n${formatScoreTable('Fields (a correct partial counts half)', scores)}`);
  const total = scores.reduce((sum, s) => ({ tp: sum.tp + s.truePositives, fp: sum.fp + s.falsePositives, fn: sum.fn + s.falseNegatives }), { tp: 0, fp: 0, fn: 0 });
  const precision = total.tp + total.fp === 0 ? 1 : total.tp / (total.tp + total.fp);
  const recall = total.tp + total.fn === 0 ? 1 : total.tp / (total.tp + total.fn);
  console.log(`all six fields: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, F1 ${((2 * precision * recall) / (precision + recall || 1)).toFixed(3)} (target F1 ≥ 0.85)`);
  if (misses.length > 0) console.log(`\nMismatches:\n${misses.join('\n')}`);

  // Records.
  const missing = truth.filter((d) => !records.has(d.id));
  console.log(`\nRecords: ${records.size} of ${truth.length} documents${missing.length > 0 ? `; none for ${missing.map((d) => d.id).join(', ')}` : ''}`);

  // CER, against the bare CLI on the same page 1.
  const transcribed = truth.filter((d) => d.text !== undefined);
  const sohoaCer: CerResult[] = [];
  const cliCer: CerResult[] = [];
  const haveCli = !values['no-tesseract'] && spawnSync('tesseract', ['--version']).status === 0;
  const tessdata = haveCli ? await npmTessdata(work) : undefined;
  console.log(`\nCER on page 1 of the ${transcribed.length} transcribed documents${haveCli ? '' : ' (no tesseract CLI installed: sohoa only)'}`);
  for (const document of transcribed) {
    const record = records.get(document.id);
    const text = record ? await pageOneText(path.join(out, 'real', document.id), record) : '';
    const mine = characterErrorRate(document.text!, text);
    sohoaCer.push(mine);
    let line = `  ${document.id.padEnd(5)} sohoa ${pct(mine.cer)}`;
    if (tessdata) {
      const cli = characterErrorRate(document.text!, await tesseractPageOne(path.join(setDir, document.file), tessdata, work));
      cliCer.push(cli);
      line += `  tesseract ${pct(cli.cer)}`;
    }
    console.log(line);
  }
  if (sohoaCer.length > 0) {
    const mine = pooledCer(sohoaCer);
    const cli = cliCer.length > 0 ? pooledCer(cliCer) : undefined;
    console.log(`  pooled: sohoa ${pct(mine)}${cli === undefined ? '' : `, tesseract ${pct(cli)}, ratio ${(mine / cli).toFixed(2)} (target ≤ 0.8)`}`);
  }

  // Output over input bytes, per page.
  console.log('\nOutput / input bytes per page');
  const ratios: { id: string; page: number; ratio: number; input: number; output: number }[] = [];
  for (const [id, record] of records) for (const page of record.pages) if (page.inputBytes > 0) ratios.push({ id, page: page.pageNumber, ratio: pageOutputBytes(page) / page.inputBytes, input: page.inputBytes, output: pageOutputBytes(page) });
  ratios.sort((a, b) => b.ratio - a.ratio);
  for (const r of ratios.slice(0, 8)) console.log(`  ${r.id} p${r.page}: ${(r.output / 1024).toFixed(0)} KB / ${(r.input / 1024).toFixed(0)} KB = ${r.ratio.toFixed(2)}`);
  const over = ratios.filter((r) => r.ratio > 1.5);
  console.log(`  ${ratios.length} pages; median ${median(ratios.map((r) => r.ratio)).toFixed(2)}, largest ${ratios[0]?.ratio.toFixed(2) ?? 'n/a'}; over 1.5×: ${over.length}`);
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}

/** What the page costs in the output PDF, as the PAGE_OUTPUT_LARGER check counts it: image and text layer. */
function pageOutputBytes(page: DocumentRecord['pages'][number]): number {
  return page.outputBytes + page.textLayerBytes;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function runSohoa(batch: string, out: string): Promise<{ code: number | null }> {
  return new Promise((resolve, reject) => {
    const pipeline = values.pipeline === undefined ? [] : ['--pipeline', values.pipeline];
    const child = spawn(process.execPath, [path.join(root, 'bin', 'sohoa.js'), 'run', batch, '--out', out, '--no-progress', '--log-level', 'error', ...pipeline], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code }));
  });
}

/** The document record in a dossier's output folder: the one `.json` that is neither the dossier's nor a report. */
async function readRecord(dossierDir: string): Promise<DocumentRecord | undefined> {
  const names = await readdir(dossierDir).catch(() => [] as string[]);
  const name = names.find((n) => n.endsWith('.json') && n !== 'dossier.json' && n !== 'report.json');
  return name === undefined ? undefined : (JSON.parse(await readFile(path.join(dossierDir, name), 'utf8')) as DocumentRecord);
}

async function pageOneText(dossierDir: string, record: DocumentRecord): Promise<string> {
  const text = await readFile(path.join(dossierDir, `${record.documentId}.txt`), 'utf8').catch(() => '');
  return text.split('\f')[0] ?? '';
}

/** A tessdata folder with the npm packages' models, so the bare CLI reads with the same model as sohoa. */
async function npmTessdata(dir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const tessdata = path.join(dir, 'tessdata');
  await mkdir(tessdata, { recursive: true });
  const pkg = path.dirname(require.resolve('@tesseract.js-data/vie/package.json'));
  await writeFile(path.join(tessdata, 'vie.traineddata'), gunzipSync(await readFile(path.join(pkg, '4.0.0_best_int', 'vie.traineddata.gz'))));
  return tessdata;
}

/** Page 1 read by the bare CLI: the file itself, or for a PDF page 1 rendered at 300 dpi by pdftoppm. */
async function tesseractPageOne(file: string, tessdata: string, dir: string): Promise<string> {
  let image = file;
  if (file.toLowerCase().endsWith('.pdf')) {
    const stem = path.join(dir, `cli-${path.basename(file, '.pdf')}`);
    const rendered = spawnSync('pdftoppm', ['-r', '300', '-f', '1', '-l', '1', '-singlefile', '-png', file, stem]);
    if (rendered.status !== 0) return '';
    image = `${stem}.png`;
  }
  const result = spawnSync('tesseract', [image, 'stdout', '--tessdata-dir', tessdata, '-l', 'vie', '--psm', '3'], { encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return result.status === 0 ? result.stdout.split('\f')[0]!.normalize('NFC') : '';
}
