// Respells the words of an extracted field from the lexicon, where OCR read a known phrase with wrong marks, and says what it changed.
import { editDistance } from '../domain/text-metrics.ts';
import { phraseConfidence, type FieldCorrection } from './correction.ts';
import { withCorrections, type ExtractedField, type FieldKey } from './field.ts';
import { lexicon, LONG_MIN_LETTERS, LONG_MIN_WORDS, type Lexicon, type LexiconEntry, type PhraseIndex } from './lexicon.ts';
import { joined, respell, type Token } from './spelling.ts';
import { fold, foldLetters, isUpperCaseText, markDistance, syllableKey } from './text-match.ts';

export interface Corrected {
  text: string;
  corrections: FieldCorrection[];
}

const tokensOf = (text: string): Token[] => text.split(' ').filter((w) => w !== '').map((w) => ({ text: w, confidence: 0 }));
const sameSpelling = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((w, i) => syllableKey(w) === syllableKey(b[i] as string));

/** The one spelling a run's folded words have in the lexicon; undefined when none or when two spellings share them. */
function soleEntry(index: PhraseIndex, run: readonly Token[]): LexiconEntry | 'ambiguous' | undefined {
  const entries = index.byKey.get(run.map((t) => foldLetters(t.text)).join(' '));
  if (!entries) return undefined;
  return entries.length === 1 ? entries[0] : 'ambiguous';
}

/** A long agency name or layout phrase is still itself with one letter wrong ("PHÁT TRIỂN NÔNG THÔM"). */
const NEAR_MATCH_MAX_EDITS = 1;
const NEAR_MATCH_FACTOR = 0.85;

/** A lexicon word in the case the read word has: capitals, a capital first, or small letters. */
function inReadCase(read: string, word: string): string {
  if (isUpperCaseText(read)) return word.toLocaleUpperCase('vi');
  if (/^\P{L}*\p{Lu}/u.test(read)) return word.charAt(0).toLocaleUpperCase('vi') + word.slice(1).toLocaleLowerCase('vi');
  return word.toLocaleLowerCase('vi');
}

function nearEntry(index: PhraseIndex, run: readonly Token[]): LexiconEntry | undefined {
  const read = run.map((t) => foldLetters(t.text)).join(' ');
  if (run.length < LONG_MIN_WORDS || read.replace(/ /gu, '').length < LONG_MIN_LETTERS) return undefined;
  const near = index.long
    .filter(({ key, entry }) => entry.words.length === run.length && Math.abs(key.length - read.length) <= NEAR_MATCH_MAX_EDITS && editDistance(key, read) <= NEAR_MATCH_MAX_EDITS)
    .map(({ entry }) => entry);
  return near.length === 1 ? near[0] : undefined;
}

/** The run respelled like the entry: its diacritics, the read case and punctuation; undefined when it would not change. */
function respellRun(run: readonly Token[], words: readonly string[], near: boolean): Token[] | undefined {
  const out = run.map((t, j) => {
    const word = words[j] as string;
    if (!near || fold(t.text.replace(/[^\p{L}\p{N}]/gu, '')) === fold(word)) return { ...t, text: respell(t.text, word) ?? t.text };
    const [, before, , after] = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(t.text) ?? [];
    return { ...t, text: `${before ?? ''}${inReadCase(t.text, word)}${after ?? ''}` };
  });
  const core = (ts: readonly Token[]) => ts.map((t) => t.text.replace(/[^\p{L}\p{N}]/gu, ''));
  return sameSpelling(core(out), core(run)) ? undefined : out;
}

/**
 * Respells every run of words that folds like one lexicon phrase (longest first) and is not already spelled
 * like it. Runs whose folded words two phrases share are left as read: the lexicon cannot tell which was meant.
 */
export function correctPhrases(text: string, index: PhraseIndex): Corrected {
  const tokens = tokensOf(text);
  const corrections: FieldCorrection[] = [];
  let i = 0;
  while (i < tokens.length) {
    let advanced = 0;
    for (let n = Math.min(index.maxWords, tokens.length - i); n >= 2 && advanced === 0; n--) {
      const run = tokens.slice(i, i + n);
      const exact = soleEntry(index, run);
      if (exact === 'ambiguous') continue;
      const found = exact ?? nearEntry(index, run);
      if (!found) continue;
      const factor = exact ? 1 : NEAR_MATCH_FACTOR;
      const respelled = respellRun(run, found.words, exact === undefined);
      if (respelled) {
        corrections.push({ from: joined(run), to: joined(respelled), source: `lexicon:${found.category}`, confidence: phraseConfidence(found.words.join(' '), found.category, factor) });
        tokens.splice(i, n, ...respelled);
      }
      advanced = n;
    }
    i += Math.max(1, advanced);
  }
  return { text: joined(tokens), corrections };
}

/** The place line holds a place name alone ("Lào Cai", "Bảo Thắng"): it is respelled only as a whole. */
export function correctPlace(text: string, index: PhraseIndex): Corrected {
  const tokens = tokensOf(text);
  const found = soleEntry(index, tokens);
  if (!found || found === 'ambiguous') return { text, corrections: [] };
  const respelled = respellRun(tokens, found.words, false);
  if (!respelled) return { text, corrections: [] };
  const to = joined(respelled);
  return { text: to, corrections: [{ from: text, to, source: `lexicon:${found.category}`, confidence: phraseConfidence(found.words.join(' '), found.category) }] };
}

/** Confidence of a respelled name syllable: the family name's slot holds a closed list, the others do not. */
const FAMILY_NAME_CONFIDENCE = 0.75;
const NAME_SYLLABLE_CONFIDENCE = 0.6;
const SECOND_MARK_FACTOR = 0.8;
const MAX_NAME_MARKS = 2;
/** A word that is a syllable of its own was perhaps printed so: its respelling is less sure. */
const KNOWN_WORD_FACTOR = 0.8;

/**
 * Family names nine Vietnamese in ten bear. A word in the family name's place that is a syllable but no family
 * name ("Nguyên Văn A") is one of these with a mark misread far more often than a family the list lacks; a rarer
 * family it folds like ("Kiểu" and Kiều) is no such sure reading.
 */
const COMMON_FAMILY_NAMES: ReadonlySet<string> = new Set(['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý']);

/**
 * The name syllable a read word was, if clearly one: the word is no Vietnamese syllable at all ("Nguyển"), or,
 * first in the name, no family name but a common one's letters ("Nguyên"); and one name syllable that folds like
 * it is nearer in marks than every other (a family name first in the name).
 */
function nameSyllableFor(word: string, position: number, names: Lexicon['names'], isKnownSyllable: Lexicon['isKnownSyllable']): { spelling: string; marks: number; family: boolean; known: boolean } | undefined {
  if (!/^\p{L}+$/u.test(word)) return undefined;
  const known = isKnownSyllable(word);
  if (known && (position !== 0 || names.familyNames.includes(word))) return undefined;
  const pool = position === 0 ? names.familyNames.filter((s) => !known || COMMON_FAMILY_NAMES.has(s)) : names.nameSyllables;
  const scored = pool.filter((s) => fold(s) === fold(word)).map((s) => ({ spelling: s, marks: markDistance(word, s) }));
  const best = Math.min(...scored.map((s) => s.marks));
  const nearest = scored.filter((s) => s.marks === best);
  if (nearest.length !== 1 || best > MAX_NAME_MARKS || best === 0) return undefined;
  return { ...(nearest[0] as { spelling: string; marks: number }), family: position === 0, known };
}

/** Respells the syllables of a signer's name that OCR made into no word, each recorded on its own. */
export function correctName(text: string, lex: Lexicon = lexicon()): Corrected {
  const corrections: FieldCorrection[] = [];
  const words = text.split(' ').map((word, position) => {
    const found = nameSyllableFor(word, position, lex.names, lex.isKnownSyllable);
    const to = found ? respell(word, found.spelling) : undefined;
    if (!found || to === undefined) return word;
    const confidence = (found.family ? FAMILY_NAME_CONFIDENCE : NAME_SYLLABLE_CONFIDENCE) * (found.marks > 1 ? SECOND_MARK_FACTOR : 1) * (found.known ? KNOWN_WORD_FACTOR : 1);
    corrections.push({ from: word, to, source: found.family ? 'lexicon:family-name' : 'lexicon:name', confidence: Math.round(confidence * 100) / 100 });
    return to;
  });
  return { text: words.join(' '), corrections };
}

/** The fields the lexicon may respell, and how: codes, dates and marks are read by their own rules. */
const PHRASE_FIELDS: ReadonlySet<FieldKey> = new Set(['issuer', 'issuerParent', 'subject', 'documentType', 'signerTitle']);

/** The value of a field respelled from the lexicon, with what changed; the text layer is not touched. */
export function correctValue(key: FieldKey, value: string, lex: Lexicon = lexicon()): Corrected {
  if (PHRASE_FIELDS.has(key)) return correctPhrases(value, lex.phrases);
  if (key === 'place') {
    const whole = correctPlace(value, lex.places);
    return whole.corrections.length > 0 ? whole : correctPhrases(value, lex.phrases);
  }
  if (key === 'signer') return correctName(value, lex);
  return { text: value, corrections: [] };
}

export function correctField(field: ExtractedField, lex: Lexicon = lexicon()): ExtractedField {
  const corrected = correctValue(field.key, field.value, lex);
  return corrected.corrections.length === 0 ? field : withCorrections(field, corrected.text, corrected.corrections);
}
