// Scores extracted fields against ground truth: per-field precision, recall and F1, and the list of mismatches.

/** Keys compared without regard to case: printed in capitals, recorded in any case. */
export const CASE_INSENSITIVE_KEYS: ReadonlySet<string> = new Set(['issuer', 'signerTitle']);

/** NFC, every run of white space made one space, trimmed; lower case for the case-insensitive keys. */
export function comparableValue(key: string, value: string): string {
  const tidy = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return CASE_INSENSITIVE_KEYS.has(key) ? tidy.toLocaleLowerCase('vi') : tidy;
}

export function sameValue(key: string, expected: string, got: string): boolean {
  return comparableValue(key, expected) === comparableValue(key, got);
}

/** One field of one document that extraction got wrong: missed, invented or misread. */
export interface Mismatch {
  documentId: string;
  key: string;
  /** Undefined when the page has no such field (the extracted value is a false positive). */
  expected: string | undefined;
  /** Undefined when nothing was extracted (a false negative). */
  got: string | undefined;
}

export interface FieldCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface FieldScore extends FieldCounts {
  key: string;
  /** Documents that have the field. */
  support: number;
  /** Of the values extracted, the share that were right; 1 when none was extracted. */
  precision: number;
  /** Of the values on the pages, the share extracted right; 1 when there were none. */
  recall: number;
  f1: number;
}

/**
 * Compares one document's extracted values with its true values, key by key. A right value is a true
 * positive; a wrong value is both a false positive (what was given) and a false negative (what was missed).
 */
export function compareDocument(
  documentId: string,
  keys: readonly string[],
  expected: Readonly<Record<string, string | undefined>>,
  got: Readonly<Record<string, string | undefined>>,
): { counts: Map<string, FieldCounts>; mismatches: Mismatch[] } {
  const counts = new Map<string, FieldCounts>();
  const mismatches: Mismatch[] = [];
  for (const key of keys) {
    const e = blankToUndefined(expected[key]);
    const g = blankToUndefined(got[key]);
    const c: FieldCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
    if (e !== undefined && g !== undefined && sameValue(key, e, g)) c.truePositives = 1;
    else {
      if (g !== undefined) c.falsePositives = 1;
      if (e !== undefined) c.falseNegatives = 1;
      if (e !== undefined || g !== undefined) mismatches.push({ documentId, key, expected: e, got: g });
    }
    counts.set(key, c);
  }
  return { counts, mismatches };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Sums the counts of many documents into one score per key, in the order of `keys`. */
export function scoreFields(keys: readonly string[], documents: readonly Map<string, FieldCounts>[]): FieldScore[] {
  return keys.map((key) => {
    const total: FieldCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
    for (const counts of documents) {
      const c = counts.get(key);
      if (!c) continue;
      total.truePositives += c.truePositives;
      total.falsePositives += c.falsePositives;
      total.falseNegatives += c.falseNegatives;
    }
    const predicted = total.truePositives + total.falsePositives;
    const support = total.truePositives + total.falseNegatives;
    const precision = predicted === 0 ? 1 : total.truePositives / predicted;
    const recall = support === 0 ? 1 : total.truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { key, ...total, support, precision, recall, f1 };
  });
}

/** True when the score says something: the field was on some page or was extracted from some page. */
export function isScored(score: FieldScore): boolean {
  return score.support > 0 || score.falsePositives > 0;
}

/** A fixed-width table: field, support, TP, FP, FN, precision, recall, F1 (n/a for fields neither present nor extracted). */
export function formatScoreTable(title: string, scores: readonly FieldScore[]): string {
  const header = ['field', 'support', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'];
  const rows = scores.map((s) => {
    const pct = (v: number) => (isScored(s) ? v.toFixed(3) : 'n/a');
    return [s.key, String(s.support), String(s.truePositives), String(s.falsePositives), String(s.falseNegatives), pct(s.precision), pct(s.recall), pct(s.f1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One line per mismatch: document, field, expected and got (— for nothing). */
export function formatMismatches(mismatches: readonly Mismatch[]): string {
  const show = (v: string | undefined) => (v === undefined ? '—' : JSON.stringify(v));
  return mismatches.map((m) => `${m.documentId}  ${m.key}: expected ${show(m.expected)}, got ${show(m.got)}`).join('\n');
}
