// The administrative vocabulary: place names, agency names, document types, layout phrases and name syllables, indexed by their folded words.
import { documentTypeTable } from './document-type.ts';
import type { LexiconCategory } from './correction.ts';
import { AGENCY_VOCABULARY } from './issuer.ts';
import { AGENCY_NAMES, LAYOUT_PHRASES } from './lexicon/administrative-phrases.ts';
import names from './lexicon/names.json' with { type: 'json' };
import places from './lexicon/places.json' with { type: 'json' };
import syllables from './lexicon/syllables.json' with { type: 'json' };
import { TITLE_VOCABULARY } from './signing-block.ts';
import { foldLetters, syllableKey } from './text-match.ts';

export interface LexiconEntry {
  /** The phrase as it is spelled, one space between words. */
  words: string[];
  category: LexiconCategory;
}

/**
 * Entries by their folded words ("TINH LAO CAI"). A key that two spellings share ("Hà Nam"/"Hà Nậm" would)
 * is ambiguous: its entries are kept so that a reading of either is known, but neither is imposed on the other.
 */
export interface PhraseIndex {
  byKey: ReadonlyMap<string, readonly LexiconEntry[]>;
  maxWords: number;
  /** Unambiguous long agency names and layout phrases, which may be matched one letter off (see lexicon-correction.ts). */
  long: readonly { key: string; entry: LexiconEntry }[];
}

/** What makes an entry long enough to be itself with one letter wrong: three words and eighteen letters. */
export const LONG_MIN_WORDS = 3;
export const LONG_MIN_LETTERS = 18;
const LONG_CATEGORIES: ReadonlySet<LexiconCategory> = new Set(['agency', 'layout', 'document-type', 'title']);

/** Words repeat across some 25 000 entries ("Xã", "Tân", "An"): each is folded once. */
function remembered(f: (word: string) => string): (word: string) => string {
  const seen = new Map<string, string>();
  return (word) => {
    let value = seen.get(word);
    if (value === undefined) seen.set(word, (value = f(word)));
    return value;
  };
}

function indexOf(entries: readonly LexiconEntry[]): PhraseIndex {
  const foldWord = remembered(foldLetters);
  const soundOf = remembered(syllableKey);
  const byKey = new Map<string, LexiconEntry[]>();
  const spellings = new Map<string, Set<string>>();
  let maxWords = 0;
  for (const entry of entries) {
    if (entry.words.length === 0) continue;
    const key = entry.words.map(foldWord).join(' ');
    const spelling = entry.words.map(soundOf).join(' ');
    const seen = spellings.get(key) ?? new Set<string>();
    // One spelling once: "Huyện Châu Thành" is in many provinces, "Hoà" and "Hòa" are one word.
    if (seen.has(spelling)) continue;
    seen.add(spelling);
    spellings.set(key, seen);
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
    maxWords = Math.max(maxWords, entry.words.length);
  }
  const long = [...byKey]
    .filter(([key, list]) => list.length === 1 && LONG_CATEGORIES.has((list[0] as LexiconEntry).category) && (list[0] as LexiconEntry).words.length >= LONG_MIN_WORDS && key.replace(/ /gu, '').length >= LONG_MIN_LETTERS)
    .map(([key, list]) => ({ key, entry: list[0] as LexiconEntry }));
  return { byKey, maxWords, long };
}

const entry = (phrase: string, category: LexiconCategory): LexiconEntry => ({ words: phrase.normalize('NFC').split(/\s+/u).filter((w) => w !== ''), category });

/** "Tỉnh Lào Cai" → "Lào Cai": what the place line prints before the date. */
const LEVEL_WORDS = /^(Tỉnh|Thành phố|Quận|Huyện|Thị xã|Thị trấn|Phường|Xã|Đặc khu) /u;
const bareName = (name: string): string => name.replace(LEVEL_WORDS, '');

/**
 * The issuer's vocabulary phrases that end in a level word ("UBND TỈNH") are how issuer.ts respells a heading
 * without knowing its places; with the places known they would only hide "TỈNH LÀO CAI" behind "UBND TỈNH".
 */
const ENDS_WITH_LEVEL = /(TỈNH|HUYỆN|QUẬN|PHƯỜNG|XÃ|THÀNH PHỐ|THỊ XÃ|THỊ TRẤN)$/u;

const provinces = [...places.provinces2024, ...places.provinces2025];
const wards = Object.entries(places.wards as Record<string, string[]>).flatMap(([level, list]) => list.map((name) => `${level} ${name}`));

function phraseEntries(): LexiconEntry[] {
  return [
    ...AGENCY_VOCABULARY.filter((p) => !ENDS_WITH_LEVEL.test(p)).map((p) => entry(p, 'agency')),
    ...AGENCY_NAMES.map((p) => entry(p, 'agency')),
    ...TITLE_VOCABULARY.map((p) => entry(p, 'title')),
    ...LAYOUT_PHRASES.map((p) => entry(p, 'layout')),
    ...documentTypeTable.map((t) => entry(t.name, 'document-type')),
    ...provinces.map((p) => entry(p, 'province')),
    ...places.districts.map((d) => entry(d, 'district')),
    ...wards.map((w) => entry(w, 'ward')),
  ].filter((e) => e.words.length >= MIN_PHRASE_WORDS);
}

/** Single words are never respelled inside a phrase: too many Vietnamese words fold alike. */
const MIN_PHRASE_WORDS = 2;

/** Names of places as the place line prints them, with and without their level word; numbered wards are left out. */
function placeEntries(): LexiconEntry[] {
  const named = (list: readonly string[], category: LexiconCategory) => list.flatMap((name) => [entry(name, category), entry(bareName(name), category)]);
  return [...named(provinces, 'province'), ...named(places.districts, 'district'), ...named(wards, 'ward')].filter((e) => !e.words.every((w) => /^\d+$/u.test(w)));
}

export interface NameSyllables {
  familyNames: readonly string[];
  /** Middle and given-name syllables, and family names (a mother's family name is often a middle name). */
  nameSyllables: readonly string[];
}

export interface Lexicon {
  phrases: PhraseIndex;
  places: PhraseIndex;
  names: NameSyllables;
  /** Whether a word (any case, any placement of its tone mark) is a Vietnamese syllable in use. */
  isKnownSyllable: (word: string) => boolean;
}

let built: Lexicon | undefined;

/** The lexicon, built on first use (some 20 000 entries, a few tens of milliseconds) and kept. */
export function lexicon(): Lexicon {
  if (built) return built;
  const known = new Set(syllables.syllables.map(syllableKey));
  built = {
    phrases: indexOf(phraseEntries()),
    places: indexOf(placeEntries()),
    names: { familyNames: names.familyNames, nameSyllables: [...new Set([...names.middleNames, ...names.givenNames, ...names.familyNames])] },
    isKnownSyllable: (word) => known.has(syllableKey(word)),
  };
  return built;
}
