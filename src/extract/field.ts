// One value read from the page, with where it was printed and how far to trust it.
import type { PartialReading } from '../domain/metadata/partial.ts';
import type { Box, Word } from '../domain/page.ts';
import type { FieldCorrection } from './correction.ts';
import { unionBox } from './layout.ts';

/** The keys extractFields may return (the shared metadata contract). */
export type FieldKey =
  | 'documentType'
  | 'number'
  | 'symbol'
  | 'issueDate'
  | 'place'
  | 'issuer'
  | 'issuerParent'
  | 'subject'
  | 'signingCapacity'
  | 'signerTitle'
  | 'signer'
  | 'secrecy'
  | 'urgency';

export interface ExtractedField {
  key: FieldKey;
  value: string;
  pageNumber: number;
  /** Union of the boxes of the words the value came from, OCR-image pixels. */
  box: Box;
  /** 0–100: the words' mean OCR confidence, lowered when a tolerant match was needed or the reading was unsure. */
  confidence: number;
  /** True when the value was matched despite a diacritic, case or look-alike difference, and normalised. */
  tolerant: boolean;
  /** Words respelled from the lexicon, in the order they were made; absent when none was. */
  corrections?: FieldCorrection[];
  /** Set when part of the printed fact was not read (a hand-written number or day): what is missing. */
  partial?: PartialReading;
}

/**
 * A tolerant match keeps this share of the words' confidence: the value is the canonical form, but what was
 * printed was not read as such, so a person should be more ready to check it.
 */
export const TOLERANT_CONFIDENCE_FACTOR = 0.8;

export interface FieldOptions {
  tolerant?: boolean;
  /** Further factor (0–1) for a reading that rests on a guess about the layout. */
  certainty?: number;
  /** Respellings from the lexicon already made while reading; they make the reading tolerant. */
  corrections?: readonly FieldCorrection[];
  partial?: PartialReading;
}

export function makeField(key: FieldKey, value: string, pageNumber: number, words: readonly Word[], options: FieldOptions = {}): ExtractedField {
  const corrections = options.corrections ?? [];
  const tolerant = (options.tolerant ?? false) || corrections.length > 0;
  const mean = words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
  const confidence = mean * (tolerant ? TOLERANT_CONFIDENCE_FACTOR : 1) * (options.certainty ?? 1);
  return {
    key,
    value: value.normalize('NFC').replace(/\s+/gu, ' ').trim(),
    pageNumber,
    box: unionBox(words.map((w) => w.box)),
    confidence: Math.round(Math.max(0, Math.min(100, confidence)) * 10) / 10,
    tolerant,
    ...(corrections.length > 0 ? { corrections: [...corrections] } : {}),
    ...(options.partial ? { partial: options.partial } : {}),
  };
}

/** The field with a respelled value: a respelling is a tolerant reading and costs what one costs, once. */
export function withCorrections(field: ExtractedField, value: string, corrections: readonly FieldCorrection[]): ExtractedField {
  const confidence = field.tolerant ? field.confidence : Math.round(field.confidence * TOLERANT_CONFIDENCE_FACTOR * 10) / 10;
  return { ...field, value, tolerant: true, confidence, corrections: [...(field.corrections ?? []), ...corrections] };
}
