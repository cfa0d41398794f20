// Field accuracy on the committed synthetic documents: real normalize and OCR, then extractFields, scored per field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOLERANT_CONFIDENCE_FACTOR } from '../../src/extract/field.ts';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import type { TesseractEngine } from '../../src/ocr/tesseract-engine.ts';
import { createEvaluationEngine, formatEvaluation, loadDocumentSet, runFieldEvaluation, targetFailures, type FieldEvaluation } from '../../scripts/eval/field-evaluation.ts';

/** ~60 pages OCRed on two cores: a few minutes, with room for a slow machine. */
const EVALUATION_TIMEOUT_MS = 20 * 60_000;

describe('field accuracy on samples/documents', () => {
  let engine: TesseractEngine | undefined;
  let evaluation: FieldEvaluation;

  beforeAll(async () => {
    const pipeline = await loadPipeline('dossier');
    engine = await createEvaluationEngine(pipeline);
    evaluation = await runFieldEvaluation({ engine, pipeline });
    console.log(formatEvaluation(evaluation));
  }, EVALUATION_TIMEOUT_MS);

  afterAll(async () => {
    await engine?.close();
  });

  it('runs on a set of at least 24 clean and 24 degraded documents of at least 10 types', () => {
    const documents = loadDocumentSet();
    expect(documents.filter((d) => d.variant === 'clean').length).toBeGreaterThanOrEqual(24);
    expect(documents.filter((d) => d.variant === 'degraded').length).toBeGreaterThanOrEqual(24);
    expect(new Set(documents.map((d) => d.fields['documentType'])).size).toBeGreaterThanOrEqual(10);
    expect(evaluation.readings).toHaveLength(documents.length);
    expect(evaluation.clean.documents + evaluation.degraded.documents).toBe(documents.length);
  });

  it('reads every field with F1 ≥ 0.95 on clean pages and ≥ 0.85 on degraded ones', () => {
    expect(targetFailures(evaluation)).toEqual([]);
  });

  it('lowers the confidence of every value that needed a tolerant match', () => {
    const tolerant = evaluation.readings.flatMap((r) => r.fields.filter((f) => f.tolerant));
    expect(tolerant.length).toBeGreaterThan(0);
    for (const field of tolerant) expect(field.confidence).toBeLessThanOrEqual(100 * TOLERANT_CONFIDENCE_FACTOR);
  });
});
