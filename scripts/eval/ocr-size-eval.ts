// Measures what sizing the OCR copy by its text does: the committed clean documents, made coarser or finer than
// their 300 dpi, read with the text-size rule and without it (only a stated resolution below ocrMinDpi enlarges).
// node scripts/eval/ocr-size-eval.ts [--documents 8]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { PageSource } from '../../src/domain/page.ts';
import { characterErrorRate, pooledCer, type CerResult } from '../../src/domain/text-metrics.ts';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { normalizePage } from '../../src/stages/normalize.ts';
import { recognizePage } from '../../src/stages/recognize.ts';
import { createEvaluationEngine, documentSetDir, loadDocumentSet } from './field-evaluation.ts';

const { values } = parseArgs({ options: { documents: { type: 'string', default: '8' } } });
const pipeline = await loadPipeline('dossier');
const documents = loadDocumentSet()
  .filter((d) => d.variant === 'clean' && typeof d.text === 'string')
  .slice(0, Number(values.documents));

/** How each document is remade: its 300 dpi page resampled, saved as a file with or without its resolution. */
const variants = [
  { name: '72 dpi JPEG, no resolution in file', dpi: 72, format: 'jpeg', stateDpi: false },
  { name: '100 dpi JPEG, no resolution in file', dpi: 100, format: 'jpeg', stateDpi: false },
  { name: '150 dpi PNG, resolution stated', dpi: 150, format: 'png', stateDpi: true },
  { name: '600 dpi PNG, resolution stated', dpi: 600, format: 'png', stateDpi: true },
] as const;

const engine = await createEvaluationEngine(pipeline);
const dir = await mkdtemp(join(tmpdir(), 'sohoa-ocr-size-'));
try {
  console.log(`OCR copy sizing on ${documents.length} committed clean documents (${engine.info.languages.join('+')})`);
  console.log('variant | rule | CER | median ms per page | median OCR copy long side px');
  for (const variant of variants) {
    const files: { id: string; path: string; text: string }[] = [];
    for (const document of documents) {
      const original = sharp(join(documentSetDir, ...document.file.split('/')));
      const { width = 0 } = await original.metadata();
      const resized = original.resize({ width: Math.round((width * variant.dpi) / document.dpi) });
      const bytes = variant.format === 'jpeg'
        ? await resized.jpeg({ quality: 85 }).toBuffer()
        : await (variant.stateDpi ? resized.withMetadata({ density: variant.dpi }) : resized).png().toBuffer();
      const path = join(dir, `${document.id}-${variant.dpi}.${variant.format === 'jpeg' ? 'jpg' : 'png'}`);
      await writeFile(path, bytes);
      files.push({ id: document.id, path, text: document.text as string });
    }
    for (const ocrTextSize of [false, true]) {
      const results: CerResult[] = [];
      const times: number[] = [];
      const sides: number[] = [];
      for (const file of files) {
        const started = performance.now();
        const source: PageSource = { ref: { dossierId: 'ocr-size', documentId: file.id, pageNumber: 1, file: file.path, filePageNumber: 1 }, path: file.path, pageIndex: 0, inputBytes: 0 };
        const normalized = await normalizePage(source, { workDir: join(dir, 'work', String(ocrTextSize)), orientation: engine, options: { ...pipeline.stages.normalize, ocrTextSize } });
        const page = await recognizePage(normalized, engine);
        times.push(performance.now() - started);
        sides.push(Math.max(normalized.ocrWidthPx, normalized.ocrHeightPx));
        results.push(characterErrorRate(file.text, page.text));
      }
      console.log(`${variant.name} | ${ocrTextSize ? 'text size' : 'stated dpi only'} | ${(pooledCer(results) * 100).toFixed(2)}% | ${Math.round(median(times))} | ${median(sides)}`);
    }
  }
} finally {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
