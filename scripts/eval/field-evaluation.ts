// The field-accuracy evaluation: OCR each committed synthetic document through the real stages, extract its fields, score them.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PageSource } from '../../src/domain/page.ts';
import { extractFields, type ExtractedField } from '../../src/extract/extract-fields.ts';
import {
  compareDocument,
  formatMismatches,
  formatScoreTable,
  isScored,
  scoreFields,
  type FieldCounts,
  type FieldScore,
  type Mismatch,
} from '../../src/extract/field-metrics.ts';
import type { OcrEngine } from '../../src/ocr/ocr-engine.ts';
import { TesseractEngine } from '../../src/ocr/tesseract-engine.ts';
import { createLimiter } from '../../src/common/limiter.ts';
import type { Pipeline } from '../../src/pipeline/pipeline-file.ts';
import { normalizePage } from '../../src/stages/normalize.ts';
import { recognizePage } from '../../src/stages/recognize.ts';

/** The committed evaluation set: `samples/documents/` and its `ground-truth.json`. */
export const documentSetDir = fileURLToPath(new URL('../../samples/documents/', import.meta.url));

/** The fields of the shared metadata contract, in the order the table shows them. */
export const evaluatedKeys = [
  'documentType',
  'number',
  'symbol',
  'issueDate',
  'place',
  'issuer',
  'issuerParent',
  'subject',
  'signingCapacity',
  'signerTitle',
  'signer',
  'secrecy',
  'urgency',
] as const;

/** Accuracy targets per field: F1 at least this on clean pages and on degraded ones. */
export const f1Targets = { clean: 0.95, degraded: 0.85 } as const;

const groundTruthSchema = z.object({
  version: z.literal(1),
  documents: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        variant: z.enum(['clean', 'degraded']),
        of: z.string().optional(),
        kind: z.string(),
        /** Relative to the set's folder. */
        file: z.string().min(1),
        dpi: z.int().min(72),
        conditions: z.array(z.string()),
        /** True values; a field the document does not print is absent (or null). */
        fields: z.record(z.string(), z.string().nullable()),
      }),
    )
    .min(1),
});

export type TruthDocument = z.infer<typeof groundTruthSchema>['documents'][number];

/** Reads and checks the set's ground truth. */
export function loadDocumentSet(dir: string = documentSetDir): TruthDocument[] {
  return groundTruthSchema.parse(JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8'))).documents;
}

export interface DocumentReading {
  document: TruthDocument;
  fields: ExtractedField[];
  /** Normalize + recognize + extract of the page, ms. */
  durationMs: number;
}

/**
 * One document's single page through the pipeline's own stages (normalize, recognize with the given engine,
 * then extractFields on the OCR image's geometry, as the extract stage calls it).
 */
export async function readDocument(document: TruthDocument, dir: string, engine: OcrEngine, pipeline: Pipeline, workDir: string): Promise<DocumentReading> {
  const started = performance.now();
  const source: PageSource = {
    ref: { dossierId: 'field-eval', documentId: document.id, pageNumber: 1, file: document.file, filePageNumber: 1 },
    path: join(dir, ...document.file.split('/')),
    pageIndex: 0,
    inputBytes: 0,
  };
  const normalized = await normalizePage(source, { workDir, orientation: engine, options: pipeline.stages.normalize });
  const page = await recognizePage(normalized, engine);
  const fields = extractFields([{ pageNumber: 1, widthPx: normalized.ocrWidthPx, heightPx: normalized.ocrHeightPx, dpi: normalized.ocrDpi, words: page.words }]);
  return { document, fields, durationMs: performance.now() - started };
}

export interface VariantScores {
  variant: TruthDocument['variant'];
  documents: number;
  scores: FieldScore[];
  mismatches: Mismatch[];
}

export interface FieldEvaluation {
  readings: DocumentReading[];
  clean: VariantScores;
  degraded: VariantScores;
  durationMs: number;
}

/** Scores readings of one variant against their ground truth. */
export function scoreReadings(readings: readonly DocumentReading[], variant: TruthDocument['variant']): VariantScores {
  const mine = readings.filter((r) => r.document.variant === variant);
  const counts: Map<string, FieldCounts>[] = [];
  const mismatches: Mismatch[] = [];
  for (const { document, fields } of mine) {
    const expected = Object.fromEntries(Object.entries(document.fields).map(([k, v]) => [k, v ?? undefined]));
    const got: Record<string, string> = {};
    for (const field of fields) got[field.key] ??= field.value;
    const compared = compareDocument(document.id, evaluatedKeys, expected, got);
    counts.push(compared.counts);
    mismatches.push(...compared.mismatches);
  }
  return { variant, documents: mine.length, scores: scoreFields(evaluatedKeys, counts), mismatches };
}

/**
 * One OCR engine for a whole evaluation, configured as the pipeline's recognize stage (or with other
 * `languages`, to compare configurations); the caller closes it.
 */
export async function createEvaluationEngine(pipeline: Pipeline, options: { languages?: string[] } = {}): Promise<TesseractEngine> {
  const { languages, pageSegMode } = pipeline.stages.recognize;
  return TesseractEngine.create({ languages: options.languages ?? languages, pageSegMode, poolSize: EVALUATION_POOL_SIZE });
}

/** Two OCR workers: the machines this runs on have two cores. */
const EVALUATION_POOL_SIZE = 2;

/**
 * Reads every document of the set, `concurrency` at a time (the engine's pool does the OCR), and scores the
 * clean and degraded variants apart. Nothing is cached between runs: every page is OCRed again.
 */
export async function runFieldEvaluation(options: {
  engine: OcrEngine;
  pipeline: Pipeline;
  dir?: string;
  concurrency?: number;
  onDocument?: (reading: DocumentReading) => void;
}): Promise<FieldEvaluation> {
  const started = performance.now();
  const dir = options.dir ?? documentSetDir;
  const documents = loadDocumentSet(dir);
  const workDir = await mkdtemp(join(tmpdir(), 'sohoa-field-eval-'));
  try {
    const limit = createLimiter(options.concurrency ?? EVALUATION_POOL_SIZE);
    const readings = await Promise.all(
      documents.map((document) =>
        limit(async () => {
          const reading = await readDocument(document, dir, options.engine, options.pipeline, workDir);
          options.onDocument?.(reading);
          return reading;
        }),
      ),
    );
    return { readings, clean: scoreReadings(readings, 'clean'), degraded: scoreReadings(readings, 'degraded'), durationMs: performance.now() - started };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Fields that miss their F1 target, one line each ("degraded signer: F1 0.812 < 0.85"); empty when all meet it. */
export function targetFailures(evaluation: FieldEvaluation): string[] {
  return [evaluation.clean, evaluation.degraded].flatMap((v) =>
    v.scores.filter((s) => isScored(s) && s.f1 < f1Targets[v.variant]).map((s) => `${v.variant} ${s.key}: F1 ${s.f1.toFixed(3)} < ${f1Targets[v.variant]}`),
  );
}

/** The report: per-field table for clean and for degraded pages, then every mismatch. */
export function formatEvaluation(evaluation: FieldEvaluation): string {
  const part = (v: VariantScores) =>
    [
      formatScoreTable(`Field accuracy, ${v.variant} pages (${v.documents} documents, target F1 ≥ ${f1Targets[v.variant]}):`, v.scores),
      v.mismatches.length > 0 ? `Mismatches, ${v.variant}:\n${formatMismatches(v.mismatches)}` : `No mismatches on ${v.variant} pages.`,
    ].join('\n\n');
  return [part(evaluation.clean), part(evaluation.degraded), `${evaluation.readings.length} documents in ${(evaluation.durationMs / 1000).toFixed(1)} s`].join('\n\n');
}
