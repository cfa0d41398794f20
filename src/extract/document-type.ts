// The document type: read from the title line under the heading, or from the type abbreviation of the symbol.
import { documentTypes } from '../domain/metadata/document-types.ts';
import type { Word } from '../domain/page.ts';
import { editDistance } from '../domain/text-metrics.ts';
import type { Row } from './layout.ts';
import { capitalWords, joined } from './spelling.ts';
import { fold, isUpperCaseText } from './text-match.ts';

export interface DocumentTypeName {
  /** Sentence case, as the metadata records it ("Quyết định"). */
  name: string;
  /** Appendix III abbreviation; none for công văn, thư công and procedure results. */
  abbreviation?: string;
}

/**
 * Decree 30/2020 Art. 7 types with their Appendix III abbreviations (from the shared type list), the copy types
 * of Appendix III, and common procedure results.
 */
export const documentTypeTable: readonly DocumentTypeName[] = [
  ...documentTypes.map(({ name, abbreviation }) => (abbreviation ? { name, abbreviation } : { name })),
  { name: 'Bản sao y', abbreviation: 'SY' },
  { name: 'Bản trích sao', abbreviation: 'TrS' },
  { name: 'Bản sao lục', abbreviation: 'SL' },
];

export const CONG_VAN = 'Công văn';

const foldedName = (name: string): string => fold(name).replace(/\s+/gu, ' ');
const foldedAbbreviation = (abbreviation: string): string => fold(abbreviation);

export interface TypeByAbbreviation {
  type: DocumentTypeName;
  /** The abbreviation was read with another case or without the bar of Đ ("QD", "TTR"). */
  tolerant: boolean;
}

/**
 * The type whose abbreviation this symbol group is. Exact spelling first; then case and Đ/D folded, which is
 * ambiguous for HD/HĐ and DA/ĐA: there the type named by the title decides, and without it nothing is chosen.
 */
export function typeByAbbreviation(group: string, titleType?: string): TypeByAbbreviation | undefined {
  const exact = documentTypeTable.filter((t) => t.abbreviation === group);
  const folded = documentTypeTable.filter((t) => t.abbreviation !== undefined && foldedAbbreviation(t.abbreviation) === foldedAbbreviation(group));
  if (titleType !== undefined) {
    const named = folded.find((t) => t.name === titleType);
    if (named) return { type: named, tolerant: named.abbreviation !== group };
  }
  if (exact.length === 1) return { type: exact[0] as DocumentTypeName, tolerant: false };
  if (folded.length === 1) return { type: folded[0] as DocumentTypeName, tolerant: true };
  return undefined;
}

/** True when the group could be a type abbreviation, even one whose reading is ambiguous. */
export function looksLikeTypeAbbreviation(group: string): boolean {
  return documentTypeTable.some((t) => t.abbreviation !== undefined && foldedAbbreviation(t.abbreviation) === foldedAbbreviation(group));
}

export interface TitleMatch {
  type: DocumentTypeName;
  row: Row;
  words: Word[];
  tolerant: boolean;
  /** False for a title that names a type outside the table ("GIẤY PHÉP XÂY DỰNG"), taken as printed. */
  known: boolean;
}

/** Longest title taken as printed when it is not in the table. */
const MAX_UNKNOWN_TITLE_WORDS = 12;
const FIRST_WORDS = new Set(documentTypeTable.map((t) => foldedName(t.name).split(' ')[0] as string));

/**
 * The title line: a row of capitals that is a type name ("QUYẾT ĐỊNH"). Diacritics and case are folded, and
 * one wrong letter is accepted in names of six letters or more. A row of capitals that opens like a type name
 * but goes on ("GIẤY PHÉP XÂY DỰNG", "GIẤY TIẾP NHẬN HỒ SƠ…") names a type the table lacks: it is taken as
 * printed, in sentence case.
 */
export function matchTitle(row: Row): TitleMatch | undefined {
  const words = row.words.filter((w) => /\p{L}/u.test(w.text));
  const printed = capitalWords(words);
  const text = joined(printed);
  if (printed.length === 0 || !isUpperCaseText(words.map((w) => w.text).join(' ')) || /\d/u.test(text)) return undefined;
  const read = foldedName(text);
  let best: { type: DocumentTypeName; distance: number } | undefined;
  if (printed.length <= 4) {
    for (const type of documentTypeTable) {
      const distance = editDistance(read, foldedName(type.name));
      if (distance === 0 || (distance === 1 && read.replace(/ /gu, '').length >= 6)) {
        if (!best || distance < best.distance) best = { type, distance };
      }
    }
  }
  if (best) return { type: best.type, row, words, tolerant: text !== best.type.name.toLocaleUpperCase('vi'), known: true };
  if (printed.length < 2 || printed.length > MAX_UNKNOWN_TITLE_WORDS || !FIRST_WORDS.has(read.split(' ')[0] as string)) return undefined;
  const lower = text.toLocaleLowerCase('vi');
  return { type: { name: lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1) }, row, words, tolerant: false, known: false };
}
