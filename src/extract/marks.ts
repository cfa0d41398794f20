// Secrecy and urgency marks (Decree 30 Appendix I): stamped words that stand alone on their line.
import type { Word } from '../domain/page.ts';
import type { PageLayout } from './layout.ts';
import { editDistance } from '../domain/text-metrics.ts';
import { foldLetters } from './text-match.ts';

export type Secrecy = 'mat' | 'toi-mat' | 'tuyet-mat';
export type Urgency = 'khan' | 'thuong-khan' | 'hoa-toc';

export interface Mark<T extends string> {
  value: T;
  words: Word[];
  /** Read without some of its diacritics ("MAT", "KHAN") and matched folded. */
  tolerant: boolean;
}

const SECRECY: readonly { printed: string; value: Secrecy }[] = [
  { printed: 'TUYỆTMẬT', value: 'tuyet-mat' },
  { printed: 'TỐIMẬT', value: 'toi-mat' },
  { printed: 'MẬT', value: 'mat' },
];
const URGENCY: readonly { printed: string; value: Urgency }[] = [
  { printed: 'HỎATỐC', value: 'hoa-toc' },
  { printed: 'THƯỢNGKHẨN', value: 'thuong-khan' },
  { printed: 'KHẨN', value: 'khan' },
];

/** The stamp's letters as printed: the frame around it reads as |, [, ] or nothing at all. */
function stampLetters(words: readonly Word[]): string {
  return words.map((w) => w.text.replace(/[^\p{L}]/gu, '')).join('').normalize('NFC').toUpperCase();
}

/** True when a line is nothing but a mark (so the summary above it ends there). */
export function isMarkLine(words: readonly Word[]): boolean {
  const letters = stampLetters(words);
  return [...SECRECY, ...URGENCY].some((m) => matches(letters, m.printed));
}

/**
 * Marks of six letters or more are matched within one wrong letter (a frame's corner read as "Ï"); the short
 * ones (MẬT, KHẨN) only exactly, folded.
 */
const MIN_LETTERS_FOR_EDIT = 6;

function matches(letters: string, printed: string): boolean {
  const [read, mark] = [foldLetters(letters), foldLetters(printed)];
  return read === mark || (mark.length >= MIN_LETTERS_FOR_EDIT && editDistance(read, mark) <= 1);
}

function findMark<T extends string>(layout: PageLayout, table: readonly { printed: string; value: T }[]): Mark<T> | undefined {
  for (const row of layout.rows) {
    for (const line of row.lines) {
      if (line.words.length > 3) continue;
      const letters = stampLetters(line.words);
      const entry = table.find((m) => matches(letters, m.printed));
      if (entry) return { value: entry.value, words: line.words, tolerant: letters !== entry.printed };
    }
  }
  return undefined;
}

/** The secrecy and urgency marks stamped on a page, each when present. */
export function readMarks(layout: PageLayout): { secrecy: Mark<Secrecy> | undefined; urgency: Mark<Urgency> | undefined } {
  return { secrecy: findMark(layout, SECRECY), urgency: findMark(layout, URGENCY) };
}
