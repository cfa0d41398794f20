// Scoring of the real-document set (samples/real/truth.json): the truth file's shape and one document's counts per
// field, shared by scripts/eval/real-eval.ts (a full `sohoa run`) and scripts/eval/real-words.ts (extraction on cached words).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DocumentRecord } from '../../src/domain/record.ts';
import { sameFieldValue } from '../../src/domain/metadata/model.ts';
import type { FieldCounts } from '../../src/extract/field-metrics.ts';

const truthSchema = z.object({
  version: z.literal(1),
  documents: z.array(
    z.looseObject({
      id: z.string().regex(/^[A-Za-z0-9_-]+$/),
      file: z.string().min(1),
      agency: z.string(),
      conditions: z.array(z.string()),
      fields: z.record(z.string(), z.string()),
      /** Fields printed or written by hand, which OCR may read only in part. */
      handwritten: z.array(z.string()).optional(),
      /** The full text of page 1, as printed. */
      text: z.string().optional(),
    }),
  ),
});
export type TruthDocument = z.infer<typeof truthSchema>['documents'][number];

/** The fields the target counts: number and symbol as one, issue date, type, issuer, subject, signer. */
export const scoredKeys = ['numberSymbol', 'issueDate', 'documentType', 'issuer', 'subject', 'signer'] as const;


export async function readTruth(setDir: string): Promise<TruthDocument[]> {
  return truthSchema.parse(JSON.parse(await readFile(path.join(setDir, 'truth.json'), 'utf8'))).documents;
}

type Field = { value?: unknown; partial?: unknown };

/**
 * One document's counts. A right value is a true positive; a wrong one a false positive and a false negative.
 * A value marked partial whose known part is right counts half: half a true positive, half a false negative.
 */
export function scoreDocument(document: TruthDocument, record: Pick<DocumentRecord, 'metadata'> | undefined): { counts: Map<string, FieldCounts>; misses: string[] } {
  const metadata = (record?.metadata ?? {}) as Record<string, Field | undefined>;
  const valueOf = (key: string) => (typeof metadata[key]?.value === 'string' ? (metadata[key]!.value as string) : undefined);
  const counts = new Map<string, FieldCounts>();
  const misses: string[] = [];
  for (const key of scoredKeys) {
    const c: FieldCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
    const expected = key === 'numberSymbol' ? joinNumberSymbol(document.fields.number, document.fields.symbol) : document.fields[key];
    const got = key === 'numberSymbol' ? joinNumberSymbol(valueOf('number'), valueOf('symbol')) : valueOf(key);
    const partial = key === 'numberSymbol' ? Boolean(metadata.number?.partial ?? metadata.symbol?.partial) : Boolean(metadata[key]?.partial);
    if (expected !== undefined && got !== undefined && same(key, expected, got)) c.truePositives = 1;
    else if (expected !== undefined && got !== undefined && partial && partlyRight(key, document, metadata)) {
      c.truePositives = 0.5;
      c.falseNegatives = 0.5;
      misses.push(`  ${document.id}  ${key}: partial ${JSON.stringify(got)} of ${JSON.stringify(expected)} (half)`);
    } else {
      if (got !== undefined) c.falsePositives = 1;
      if (expected !== undefined) c.falseNegatives = 1;
      if (expected !== undefined || got !== undefined) misses.push(`  ${document.id}  ${key}: expected ${show(expected)}, got ${show(got)}`);
    }
    counts.set(key, c);
  }
  return { counts, misses };
}

function show(value: string | undefined): string {
  return value === undefined ? '—' : JSON.stringify(value);
}

function joinNumberSymbol(number: string | undefined, symbol: string | undefined): string | undefined {
  if (number === undefined && symbol === undefined) return undefined;
  return `${number ?? '…'}/${symbol ?? '…'}`;
}

/**
 * The subject is compared without a leading "V/v" or "Về việc" label and without a closing full stop on either
 * side: the record keeps a công văn's summary without its "V/v" (as samples/documents/ground-truth.json writes it),
 * a decision's as printed, and no summary's closing stop, while the truth here is read as printed; neither the
 * label nor the stop carries any part of the summary.
 */
function same(key: string, expected: string, got: string): boolean {
  if (key === 'numberSymbol') return expected === got;
  if (key === 'subject') return sameFieldValue(key, withoutSubjectLabel(expected), withoutSubjectLabel(got)).same;
  return sameFieldValue(key, expected, got).same;
}

function withoutSubjectLabel(subject: string): string {
  return subject.replace(/^\s*(V\/v|Về việc)[:.]?\s+/iu, '').replace(/\.\s*$/u, '');
}

/** The part a partial value holds is right: for number and symbol, the symbol; for a date, its known parts. */
function partlyRight(key: string, document: TruthDocument, metadata: Record<string, Field | undefined>): boolean {
  if (key === 'numberSymbol') {
    const symbol = metadata.symbol?.value;
    return typeof symbol === 'string' && document.fields.symbol !== undefined && sameFieldValue('symbol', document.fields.symbol, symbol).same;
  }
  const value = metadata[key]?.value;
  const expected = document.fields[key];
  if (typeof value !== 'string' || expected === undefined) return false;
  if (key === 'issueDate') return expected.startsWith(value.replace(/-?(\?\?|xx|XX)/g, '')) && value.length >= 4;
  return false;
}

