// Tolerant comparison of OCR words with the fixed words of the national layout: diacritics, case and look-alikes.

/**
 * Upper case without diacritics, one character per character of NFC Vietnamese ("Số" → "SO"). Đ and the
 * look-alike Icelandic Ð have no combining mark, so they are mapped by hand.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐðÐ]/gu, 'D')
    .toUpperCase();
}

/** Letters and digits only, folded: "Số:" → "SO", "V/v" → "VV". */
export function foldLetters(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]/gu, '');
}

/** OCR reads the Icelandic Eth (U+00D0) for Đ (U+0110), and typographic dashes for the hyphen. */
export function canonicalChars(text: string): string {
  return text.normalize('NFC').replace(/Ð/gu, 'Đ').replace(/ð/gu, 'đ').replace(/[‐‑‒–—−]/gu, '-');
}

/** True when the letters of `text` are (nearly) all capitals: heading lines, titles, signing titles. */
export function isUpperCaseText(text: string): boolean {
  const letters = [...text].filter((ch) => /\p{L}/u.test(ch));
  if (letters.length === 0) return false;
  const upper = letters.filter((ch) => ch === ch.toUpperCase() && ch !== ch.toLowerCase()).length;
  return upper / letters.length >= 0.85;
}

/** Characters OCR puts for digits in a field that holds only digits. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = { O: '0', o: '0', D: '0', Q: '0', l: '1', I: '1', i: '1', '|': '1', '!': '1', ']': '1', Z: '2', z: '2', S: '5', s: '5', B: '8', g: '9' };

/**
 * The digits of a token that should be a number, with look-alike letters read as digits; undefined when it holds
 * anything else or no real digit at all (a word of look-alikes, "lOl", is not a number).
 */
export function readDigits(token: string): { digits: string; tolerant: boolean } | undefined {
  let digits = '';
  let tolerant = false;
  let real = 0;
  for (const ch of token) {
    if (ch >= '0' && ch <= '9') {
      digits += ch;
      real++;
    } else if (DIGIT_LOOKALIKES[ch] !== undefined) {
      digits += DIGIT_LOOKALIKES[ch];
      tolerant = true;
    } else {
      return undefined;
    }
  }
  if (digits.length === 0 || real === 0) return undefined;
  return { digits, tolerant };
}

/** Letters OCR puts for digits inside an all-letter group (a symbol's abbreviation): 0 → O, 1 → I, 8 → B, 5 → S. */
const LETTER_LOOKALIKES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '8': 'B', '5': 'S', '|': 'I' };

/** An abbreviation group with look-alike digits read as letters; undefined when it is not letters at all. */
export function readLetters(token: string): { letters: string; tolerant: boolean } | undefined {
  let letters = '';
  let tolerant = false;
  for (const ch of token) {
    if (/[\p{L}&]/u.test(ch)) letters += ch;
    else if (LETTER_LOOKALIKES[ch] !== undefined) {
      letters += LETTER_LOOKALIKES[ch];
      tolerant = true;
    } else return undefined;
  }
  if (!/\p{L}/u.test(letters)) return undefined;
  return { letters, tolerant };
}

/**
 * Moves the diacritics of `donor` onto `read` when both fold alike: the letters (and their case) stay as read,
 * the marks come from the donor. "Lao Cai" with donor "LÀO CAI" gives "Lào Cai".
 */
export function borrowDiacritics(read: string, donor: string): string | undefined {
  const readChars = [...read.normalize('NFC')];
  const donorChars = [...donor.normalize('NFC')];
  if (readChars.length !== donorChars.length || fold(read) !== fold(donor)) return undefined;
  return readChars
    .map((ch, i) => {
      const from = donorChars[i] as string;
      const wantUpper = ch === ch.toUpperCase() && ch !== ch.toLowerCase();
      return wantUpper ? from.toUpperCase() : from.toLowerCase();
    })
    .join('')
    .normalize('NFC');
}

/** Number of characters that carry a Vietnamese diacritic or are đ: OCR that drops marks lowers it. */
export function diacriticCount(text: string): number {
  return [...text.normalize('NFC')].filter((ch) => fold(ch) !== ch.toUpperCase()).length;
}

/** The five tone marks, as combining characters; the other marks (circumflex, breve, horn) make letters. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;

/**
 * A word as it sounds: lower case, its letters with their vowel marks, then its tone mark wherever it sits, so
 * that "hoà" and "hòa" (two placements of one tone) are one word and "dân" and "dần" are two.
 */
export function syllableKey(word: string): string {
  // Plain lower case: Vietnamese has no casing rules of its own, and the locale-aware call is many times slower.
  const nfd = word.normalize('NFC').toLowerCase().normalize('NFD');
  return `${nfd.replace(TONE_MARKS, '').normalize('NFC')}${(nfd.match(TONE_MARKS) ?? []).join('')}`;
}

/**
 * How many marks two words that fold alike differ by: one for a different tone, one for each letter with
 * another vowel mark or bar ("Nguyển" and "Nguyễn": 1; "dẫn" and "dân": 1; "dần" and "đàn": 2).
 */
export function markDistance(a: string, b: string): number {
  const [ka, kb] = [syllableKey(a), syllableKey(b)];
  const letters = (k: string) => [...k.replace(TONE_MARKS, '')];
  const [la, lb] = [letters(ka), letters(kb)];
  const toneOf = (k: string) => k.normalize('NFD').match(TONE_MARKS)?.join('') ?? '';
  const tone = toneOf(ka) === toneOf(kb) ? 0 : 1;
  return tone + la.filter((ch, i) => ch !== lb[i]).length + Math.abs(la.length - lb.length);
}
