// Scores an output folder against the samples' ground truth: CER per page from the text a PDF reader extracts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { characterErrorRate, pooledCer, type CerResult } from '../../src/domain/text-metrics.ts';
import type { DocumentRecord } from '../../src/domain/record.ts';
import { extractPdfText } from '../../src/pdf/extract-text.ts';
import type { GroundTruth, GroundTruthPage } from '../../samples/ground-truth.ts';

export interface PageScore extends CerResult {
  page: GroundTruthPage;
  /** Rotation sohoa applied, from the document record. */
  rotationDeg: number | undefined;
  skewDeg: number | undefined;
  extracted: string;
}

/** Reads every ground-truth page's document PDF from `<out>/<batchId>/...` and scores the page's extracted text. */
export async function scoreOutput(outDir: string, batchId: string, truth: GroundTruth): Promise<{ pages: PageScore[]; cer: number; cleanCer: number }> {
  const cache = new Map<string, { texts: string[]; record: DocumentRecord }>();
  const pages: PageScore[] = [];
  for (const page of truth.pages) {
    const base = path.join(outDir, batchId, page.dossierId, page.documentId);
    let doc = cache.get(base);
    if (!doc) {
      const texts = await extractPdfText(await readFile(`${base}.pdf`));
      const record = JSON.parse(await readFile(`${base}.json`, 'utf8')) as DocumentRecord;
      doc = { texts, record };
      cache.set(base, doc);
    }
    const extracted = doc.texts[page.pageNumber - 1] ?? '';
    const pageRecord = doc.record.pages.find((p) => p.pageNumber === page.pageNumber);
    pages.push({ ...characterErrorRate(page.text, extracted), page, rotationDeg: pageRecord?.rotationDeg, skewDeg: pageRecord?.skewDeg, extracted });
  }
  const clean = pages.filter((p) => p.page.conditions.every((c) => c === 'clean' || c === 'no-dpi'));
  return { pages, cer: pooledCer(pages), cleanCer: pooledCer(clean) };
}
