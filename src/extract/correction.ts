// A respelling of part of a field from the lexicon, recorded on the field so a person can see and undo it.
import type { RespelledRun } from './spelling.ts';
import { foldLetters } from './text-match.ts';

/** The lists of the lexicon (see docs/lexicon.md): what kind of phrase a read run was taken for. */
export type LexiconCategory = 'agency' | 'title' | 'province' | 'district' | 'ward' | 'document-type' | 'layout' | 'family-name' | 'name';

export interface FieldCorrection {
  /** The words as read (after the page's own spelling vote), and as respelled. */
  from: string;
  to: string;
  source: `lexicon:${LexiconCategory}`;
  /** 0–1: how sure the respelling is, from the length of the phrase matched and how closely it matched. */
  confidence: number;
}

/**
 * Confidence of a respelling from a phrase: a long phrase that folds like the reading is almost surely that
 * phrase, a short one less so (two letters of a place name fold like many words).
 */
const BASE_CONFIDENCE = 0.55;
const CONFIDENCE_PER_LETTER = 0.035;
const MAX_CONFIDENCE = 0.98;
/** The big lists (communes) hold more look-alikes: a match there is worth less. */
const CATEGORY_FACTOR: Partial<Record<LexiconCategory, number>> = { ward: 0.9 };

export function phraseConfidence(phrase: string, category: LexiconCategory, factor = 1): number {
  const letters = foldLetters(phrase).length;
  const confidence = Math.min(MAX_CONFIDENCE, BASE_CONFIDENCE + CONFIDENCE_PER_LETTER * letters) * (CATEGORY_FACTOR[category] ?? 1) * factor;
  return Math.round(confidence * 100) / 100;
}

export function correctionsOf(runs: readonly RespelledRun[], category: LexiconCategory): FieldCorrection[] {
  return runs.map((r) => ({ from: r.from, to: r.to, source: `lexicon:${category}`, confidence: phraseConfidence(r.phrase, category) }));
}
