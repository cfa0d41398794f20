// A fast loop for field extraction on the real-document set: `read` takes each page of samples/real/ through the
// same steps as `sohoa run` (the PDF text layer kept where the run keeps it, else normalize and OCR; see `readPage`)
// once and caches the recognized pages and the PDFs' signatures; `score` runs the extract stage on the cached pages
// in seconds and prints the per-field scores and mismatches that scripts/eval/real-eval.ts prints after a full run.
// node scripts/eval/real-words.ts read [--dir samples/real] [--cache /tmp/real-words] [--only R01,R02]
// node scripts/eval/real-words.ts score [--dir samples/real] [--cache /tmp/real-words] [--only R01,R02] [--show]
// Re-read after any change to normalize or recognize; extraction changes need only `score`.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DocumentPlan } from '../../src/domain/batch.ts';
import type { RecognizedPage } from '../../src/domain/page.ts';
import type { PdfSignature } from '../../src/pdf/pdf-signatures.ts';
import { formatScoreTable, scoreFields, type FieldCounts } from '../../src/extract/field-metrics.ts';
import { silentLogger } from '../../src/log.ts';
import { TesseractEngine } from '../../src/ocr/tesseract-engine.ts';
import { LocalObjectStore } from '../../src/storage/local-object-store.ts';
import { PdfCache } from '../../src/pdf/pdf-cache.ts';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { readPage } from '../../src/pipeline/run-page.ts';
import { extractDocumentMetadata } from '../../src/stages/extract.ts';
import { listDocumentPages, loadBatch, type PageSource } from '../../src/stages/ingest.ts';
import { readTruth, scoreDocument, scoredKeys } from './real-score.ts';

interface CachedDocument {
  id: string;
  pages: RecognizedPage[];
  signatures: PdfSignature[];
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string' }, cache: { type: 'string' }, only: { type: 'string' }, show: { type: 'boolean', default: false } },
});
const mode = positionals[0];
if (mode !== 'read' && mode !== 'score') {
  console.error('usage: node scripts/eval/real-words.ts read|score [--dir samples/real] [--cache /tmp/real-words] [--only R01,R02] [--show]');
  process.exit(2);
}
const setDir = path.resolve(values.dir ?? path.join(root, 'samples', 'real'));
const cacheDir = path.resolve(values.cache ?? path.join(tmpdir(), 'real-words'));
const only = values.only ? new Set(values.only.split(',')) : undefined;
const truth = (await readTruth(setDir)).filter((d) => !only || only.has(d.id));
// The run's default pipeline for a folder without manifest.
const pipeline = await loadPipeline('dossier');

if (mode === 'read') await readAll();
else await scoreAll();

/** Every page of every document through the run's page steps, two pages at a time; one cache file per document. */
async function readAll(): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'sohoa-real-words-'));
  const log = silentLogger;
  // The page steps write nothing to a store; theirs is a folder of the scratch space.
  const store = new LocalObjectStore(path.join(work, 'store'));
  const ocr = await TesseractEngine.create({ languages: pipeline.stages.recognize.languages, poolSize: 2, pageSegMode: pipeline.stages.recognize.pageSegMode });
  try {
    const batchRoot = path.join(work, 'real');
    for (const document of truth) {
      await mkdir(path.join(batchRoot, document.id), { recursive: true });
      await copyFile(path.join(setDir, document.file), path.join(batchRoot, document.id, path.basename(document.file)));
    }
    const { batch } = await loadBatch(batchRoot);
    for (const dossier of batch.dossiers) {
      for (const document of dossier.documents) {
        const started = performance.now();
        // As the runner does: the PDF parsed and checked for the page list serves the pages.
        const cache = new PdfCache();
        const { pages: sources } = await listDocumentPages(batch, dossier, document, { pdfs: cache });
        const pdfs = cache.forDocument();
        const openPdf = (source: PageSource) => pdfs.open(source.path, source.ref.file);
        const workDir = path.join(work, 'pages', dossier.id);
        const pages: RecognizedPage[] = [];
        for (let i = 0; i < sources.length; i += 2) {
          pages.push(...(await Promise.all(sources.slice(i, i + 2).map((s) => readPage(s, { ocr, store, pdfText: 'skip' }, pipeline, workDir, log, openPdf)))));
        }
        const signatures: PdfSignature[] = [];
        for (const pdf of pdfs.opened()) signatures.push(...(await pdf).signatures);
        await pdfs.release();
        await cache.close();
        const cached: CachedDocument = { id: dossier.id, pages, signatures };
        await writeFile(path.join(cacheDir, `${dossier.id}.json`), JSON.stringify(cached));
        console.log(`${dossier.id}: ${pages.length} pages, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await ocr.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The extract stage on the cached pages, scored as scripts/eval/real-eval.ts scores a run's records. */
async function scoreAll(): Promise<void> {
  const counts: Map<string, FieldCounts>[] = [];
  const misses: string[] = [];
  for (const document of truth) {
    const cached = JSON.parse(await readFile(path.join(cacheDir, `${document.id}.json`), 'utf8')) as CachedDocument;
    const plan: DocumentPlan = { id: document.id, sources: [], metadata: {} };
    const metadata = await extractDocumentMetadata(plan, cached.pages, { ...pipeline.stages.extract, language: 'vi', signatures: cached.signatures });
    const scored = scoreDocument(document, { metadata: metadata.fields });
    counts.push(scored.counts);
    misses.push(...scored.misses);
    if (values.show) console.log(`${document.id}: ${JSON.stringify(Object.fromEntries(Object.entries(metadata.fields).map(([k, v]) => [k, v.value])))}`);
  }
  const scores = scoreFields(scoredKeys, counts);
  console.log(formatScoreTable('Fields on cached words (a correct partial counts half)', scores));
  const total = scores.reduce((sum, s) => ({ tp: sum.tp + s.truePositives, fp: sum.fp + s.falsePositives, fn: sum.fn + s.falseNegatives }), { tp: 0, fp: 0, fn: 0 });
  const precision = total.tp + total.fp === 0 ? 1 : total.tp / (total.tp + total.fp);
  const recall = total.tp + total.fn === 0 ? 1 : total.tp / (total.tp + total.fn);
  console.log(`all six fields: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, F1 ${((2 * precision * recall) / (precision + recall || 1)).toFixed(3)}`);
  if (misses.length > 0) console.log(`\nMismatches:\n${misses.join('\n')}`);
}
