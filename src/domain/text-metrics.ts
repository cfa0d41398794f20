// Character error rate between a ground truth and a recognized text, as OCR evaluations count it.

/** NFC, every run of whitespace as one space, trimmed: layout whitespace is not counted as an error. */
export function normalizeForComparison(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance over Unicode code points. */
export function editDistance(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  if (left.length === 0) return right.length;
  if (right.length === 0) return left.length;
  let previous = new Uint32Array(right.length + 1);
  let current = new Uint32Array(right.length + 1);
  for (let j = 0; j <= right.length; j++) previous[j] = j;
  for (let i = 1; i <= left.length; i++) {
    current[0] = i;
    const ch = left[i - 1];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] as number) + (ch === right[j - 1] ? 0 : 1);
      const deletion = (previous[j] as number) + 1;
      const insertion = (current[j - 1] as number) + 1;
      current[j] = Math.min(substitution, deletion, insertion);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length] as number;
}

export interface CerResult {
  errors: number;
  referenceLength: number;
  /** errors / referenceLength; 0 for two empty texts. */
  cer: number;
}

export function characterErrorRate(reference: string, hypothesis: string): CerResult {
  const ref = normalizeForComparison(reference);
  const hyp = normalizeForComparison(hypothesis);
  const errors = editDistance(ref, hyp);
  const referenceLength = Array.from(ref).length;
  return { errors, referenceLength, cer: referenceLength === 0 ? (errors === 0 ? 0 : 1) : errors / referenceLength };
}

/** Pooled CER over many pages: total errors over total reference characters. */
export function pooledCer(results: readonly CerResult[]): number {
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const length = results.reduce((n, r) => n + r.referenceLength, 0);
  return length === 0 ? 0 : errors / length;
}
