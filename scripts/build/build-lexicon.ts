// Builds the committed lexicon data (src/extract/lexicon/*.json) from public lists fetched beforehand; see docs/lexicon.md.
// node scripts/build/build-lexicon.ts --units-2024 <file> --units-2025 <file> --names <folder> --wordlist <file>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'units-2024': { type: 'string' },
    'units-2025': { type: 'string' },
    names: { type: 'string' },
    wordlist: { type: 'string' },
    out: { type: 'string', default: new URL('../../src/extract/lexicon/', import.meta.url).pathname },
  },
});
for (const option of ['units-2024', 'units-2025', 'names', 'wordlist'] as const) {
  if (values[option] === undefined) throw new Error(`Expected --${option} <path> (see docs/lexicon.md for where each file comes from) but received nothing`);
}

/** Where each list comes from: repository, commit, path and licence, written into the data file it feeds. */
const SOURCES = {
  units2024: {
    repository: 'https://github.com/thanglequoc/vietnamese-provinces-database',
    commit: 'fc33b7411ec4e3697817fab8118718a8d39ef090',
    tag: 'v2.4.1',
    path: 'json/vn_only_simplified_json_generated_data_vn_units_minified.json',
    licence: 'MIT',
    upstream: 'General Statistics Office, Danh mục đơn vị hành chính (63 provinces, before 1 July 2025)',
  },
  units2025: {
    repository: 'https://github.com/thanglequoc/vietnamese-provinces-database',
    commit: 'cd58063299585146ded3981f2272946ef19ced54',
    path: 'json/vn_only_simplified_json_generated_data_vn_units_2026-07-25__20_49_07.json',
    licence: 'MIT',
    upstream: 'Resolution 202/2025/QH15 and the 2025 commune-level resolutions (34 provinces, from 1 July 2025)',
  },
  names: {
    repository: 'https://github.com/duyet/vietnamese-namedb',
    commit: '2129070dde2471a2a2c0ef24a32c6c02ebd71805',
    path: 'boy_one_word.txt, girl_one_word.txt, uit_member.json (syllable counts only; no full name is kept)',
    licence: 'MIT',
  },
  wordlist: {
    repository: 'https://github.com/tesseract-ocr/langdata_lstm',
    commit: '07930fd9f246622c26eb5de794d9212ceac432d3',
    path: 'vie/vie.wordlist',
    licence: 'Apache-2.0',
  },
} as const;

/** A family name or middle syllable seen fewer times than this among the full names is left out (typing slips). */
const MIN_NAME_COUNT = 3;

/** OCR-like slips in the sources: Icelandic Eth for Đ. */
const tidy = (text: string): string => text.normalize('NFC').replace(/Ð/gu, 'Đ').replace(/ð/gu, 'đ').replace(/\s+/gu, ' ').trim();

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/u;

/**
 * Puts the tone mark of a final "oa", "oe", "uy" on its first vowel ("Hoà" → "Hòa", "Thuỷ" → "Thủy"), the
 * placement official names use, so one name is not listed twice; "quý" keeps its mark (qu is the initial).
 */
function traditionalTonePlacement(word: string): string {
  const letters = [...word.normalize('NFD')];
  const text = letters.join('');
  const match = /^(.*?)([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])$/u.exec(text);
  if (!match || /[qQ]$/u.test(match[1] as string) || TONE_MARKS.test(match[1] as string)) return word.normalize('NFC');
  return `${match[1]}${match[2]}${match[4]}${match[3]}`.normalize('NFC');
}

const normaliseName = (name: string): string => tidy(name).split(' ').map(traditionalTonePlacement).join(' ');

const VOWELS = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ';
const SYLLABLE = new RegExp(`^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[${VOWELS}]{1,3}(ch|ng|nh|[cmnptk])?$`, 'u');

/** True for a word spelled as one Vietnamese syllable (k ends the Tây Nguyên "Đắk"): drops English words and text in legacy encodings ("Buøi"). */
function isSyllable(word: string): boolean {
  return SYLLABLE.test(word.normalize('NFC').toLocaleLowerCase('vi'));
}

const unique = (items: Iterable<string>): string[] => [...new Set(items)].sort((a, b) => a.localeCompare(b, 'vi'));

interface Units2024 {
  FullName: string;
  District: { FullName: string; Ward?: { FullName: string }[] }[];
}
interface Units2025 {
  FullName: string;
  Wards: { FullName: string }[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const before = readJson<Units2024[]>(values['units-2024'] as string);
const after = readJson<Units2025[]>(values['units-2025'] as string);

/** Commune-level names, by their level word, without it: names repeat across provinces and are kept once. */
function wardsByLevel(names: readonly string[]): Record<string, string[]> {
  const byLevel: Record<string, Set<string>> = {};
  for (const read of names.map(normaliseName)) {
    // One source entry opens in small letters ("xã Bắc Sơn").
    const full = read.charAt(0).toLocaleUpperCase('vi') + read.slice(1);
    const level = ['Thị trấn', 'Phường', 'Xã', 'Đặc khu'].find((l) => full.startsWith(`${l} `));
    if (!level) throw new Error(`Expected a ward name opening with Thị trấn, Phường, Xã or Đặc khu but received "${full}"`);
    (byLevel[level] ??= new Set()).add(full.slice(level.length + 1));
  }
  return Object.fromEntries(Object.entries(byLevel).map(([level, set]) => [level, unique(set)]));
}

const places = {
  source: [SOURCES.units2024, SOURCES.units2025],
  provinces2024: unique(before.map((p) => normaliseName(p.FullName))),
  provinces2025: unique(after.map((p) => normaliseName(p.FullName))),
  districts: unique(before.flatMap((p) => p.District.map((d) => normaliseName(d.FullName)))),
  wards: wardsByLevel([...before.flatMap((p) => p.District.flatMap((d) => (d.Ward ?? []).map((w) => w.FullName))), ...after.flatMap((p) => p.Wards.map((w) => w.FullName))]),
};

const namesDir = values.names as string;
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').map(tidy).filter((l) => l !== '');
const members = readJson<{ first_name: string; last_name: string; last_name_group: string }[]>(join(namesDir, 'uit_member.json'));

function counted(words: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const word of words) {
    const w = traditionalTonePlacement(tidy(word));
    if (w !== '' && isSyllable(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  // A spelling with its mark on another vowel ("Hùynh" beside "Huỳnh") is a slip: the commoner spelling stays.
  const bySound = new Map<string, [string, number]>();
  for (const [w, n] of counts) {
    const sound = w.normalize('NFD').replace(TONE_MARKS, '') + (TONE_MARKS.exec(w.normalize('NFD'))?.[0] ?? '');
    if ((bySound.get(sound)?.[1] ?? 0) < n) bySound.set(sound, [w, n]);
  }
  return unique([...bySound.values()].filter(([, n]) => n >= MIN_NAME_COUNT).map(([w]) => w));
}

const names = {
  source: [SOURCES.names],
  familyNames: counted(members.map((m) => m.last_name_group)),
  middleNames: counted(members.flatMap((m) => tidy(m.last_name).split(' ').slice(1))),
  givenNames: unique(
    [...lines(join(namesDir, 'boy_one_word.txt')), ...lines(join(namesDir, 'girl_one_word.txt')), ...counted(members.map((m) => m.first_name))]
      .map(traditionalTonePlacement)
      .filter(isSyllable),
  ),
};

// Every syllable the wordlist, the names and the place names use: a name syllable read as one of these is a word.
const placeWords = [...places.provinces2024, ...places.provinces2025, ...places.districts, ...Object.values(places.wards).flat()].flatMap((n) => n.split(' '));
const syllables = {
  source: [SOURCES.wordlist, SOURCES.names, SOURCES.units2024, SOURCES.units2025],
  syllables: unique(
    [...lines(values.wordlist as string).flatMap((l) => l.split(' ')), ...names.familyNames, ...names.middleNames, ...names.givenNames, ...placeWords]
      .map((w) => traditionalTonePlacement(w.toLocaleLowerCase('vi')))
      .filter(isSyllable),
  ),
};

const out = values.out as string;
const write = (name: string, data: unknown): void => writeFileSync(join(out, name), `${JSON.stringify(data, null, 1)}\n`);
write('places.json', places);
write('names.json', names);
write('syllables.json', syllables);
console.log(
  `provinces ${places.provinces2024.length} before 2025, ${places.provinces2025.length} after; districts ${places.districts.length}; ` +
    `wards ${Object.values(places.wards).flat().length} distinct names; family names ${names.familyNames.length}, middle ${names.middleNames.length}, ` +
    `given ${names.givenNames.length}; syllables ${syllables.syllables.length}`,
);
