// Repairs what OCR does to printed words: lost or moved diacritics, lost spaces, stray punctuation around words.
import { borrowDiacritics, diacriticCount, foldLetters } from './text-match.ts';

/** A word as read: its text and OCR confidence (0–100). Words cut from one word share its confidence. */
export interface Token {
  text: string;
  confidence: number;
}

export interface Restored {
  tokens: Token[];
  /** Indexes of the tokens whose spelling was changed. */
  changed: number[];
}

/** A run of words respelled from a vocabulary phrase: what was read, what it became, and the phrase. */
export interface RespelledRun {
  from: string;
  to: string;
  phrase: string;
}

export const texts = (tokens: readonly Token[]): string[] => tokens.map((t) => t.text);
export const joined = (tokens: readonly Token[]): string => texts(tokens).join(' ');

interface Phrase {
  words: string[];
  folded: string[];
}

function toPhrase(spelling: string): Phrase {
  const words = spelling.normalize('NFC').split(/\s+/u).filter((w) => w !== '');
  return { words, folded: words.map(foldLetters) };
}

/** One word spelled like `canonical` (its diacritics), keeping the read word's case and surrounding punctuation. */
export function respell(read: string, canonical: string): string | undefined {
  const match = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(read);
  const core = /^[^\p{L}\p{N}]*(.*?)[^\p{L}\p{N}]*$/u.exec(canonical)?.[1] ?? canonical;
  if (!match) return undefined;
  const respelled = borrowDiacritics(match[2] as string, core);
  return respelled === undefined ? undefined : `${match[1]}${respelled}${match[3]}`;
}

/**
 * Respells runs of tokens that fold like one of `phrases` (longest phrase first) to the phrase's diacritics:
 * the phrases are a vocabulary known to be spelled right, and words folding alike get the spelling their
 * context gives ("THANH TRA" against "THÀNH PHỐ").
 */
export function restoreDiacritics(read: readonly Token[], phrases: readonly string[]): Restored & { runs: RespelledRun[] } {
  const known = phrases.map(toPhrase).filter((p) => p.words.length > 0).sort((a, b) => b.words.length - a.words.length);
  const tokens = read.map((t) => ({ ...t }));
  const changed: number[] = [];
  const runs: RespelledRun[] = [];
  const folded = read.map((t) => foldLetters(t.text));
  let i = 0;
  while (i < tokens.length) {
    const phrase = known.find((p) => p.folded.every((f, j) => folded[i + j] === f));
    if (!phrase) {
      i++;
      continue;
    }
    const n = phrase.words.length;
    const before = joined(tokens.slice(i, i + n));
    for (let j = 0; j < n; j++) {
      const token = tokens[i + j] as Token;
      const after = respell(token.text, phrase.words[j] as string);
      if (after !== undefined && after !== token.text) {
        token.text = after;
        changed.push(i + j);
      }
    }
    const after = joined(tokens.slice(i, i + n));
    if (after !== before) runs.push({ from: before, to: after, phrase: phrase.words.join(' ') });
    i += n;
  }
  return { tokens, changed, runs };
}

/**
 * A word read with no mark where another reading of the same run has one is how OCR loses marks (and how a
 * Latin-script model reads Vietnamese); it costs its run this share of the run's say, per word.
 */
const BARE_WORD_WEIGHT_LOSS = 0.5;

function penaliseBareWords(votes: readonly { run: readonly Token[]; weight: number }[]): void {
  const n = votes[0]?.run.length ?? 0;
  const markedAt = Array.from({ length: n }, (_, j) => votes.some((v) => diacriticCount((v.run[j] as Token).text) > 0));
  for (const vote of votes) {
    const bare = vote.run.filter((w, j) => markedAt[j] && diacriticCount(w.text) === 0).length;
    vote.weight *= 1 - (BARE_WORD_WEIGHT_LOSS * bare) / n;
  }
}
/** Longest run of words compared with the page's text; longer runs add little and cost time. */
const MAX_RUN_WORDS = 5;

const letterKey = (words: readonly Token[]): string => words.map((w) => w.text.replace(/[^\p{L}\p{N}]/gu, '').toLocaleLowerCase('vi')).join(' ');
const meanConfidence = (words: readonly Token[]): number => words.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, words.length);

/**
 * Respells runs of at least `minRunWords` read tokens from the same words elsewhere on the page (`donors`, one
 * array per line, the read words' own lines left out). The reading and every run that folds like it vote for
 * their spelling with their OCR confidence, less for each word read bare where another reading marks it; the
 * heaviest spelling wins, the reading itself on a tie. OCR drops
 * and moves marks at random, so what a place name or a phrase looks like most often and most surely on the page
 * is what was printed. Single words are left alone: too many Vietnamese words fold alike.
 */
export function restoreFromDonors(read: readonly Token[], donors: readonly (readonly Token[])[], minRunWords = 2): Restored {
  const tokens = read.map((t) => ({ ...t }));
  const changed: number[] = [];
  const folded = read.map((t) => foldLetters(t.text));
  const donorFolded = donors.map((line) => line.map((t) => foldLetters(t.text)));
  let i = 0;
  while (i < tokens.length) {
    let advanced = false;
    for (let n = Math.min(MAX_RUN_WORDS, tokens.length - i); n >= minRunWords && !advanced; n--) {
      const target = folded.slice(i, i + n);
      if (target.some((f) => f === '')) continue;
      const current = tokens.slice(i, i + n);
      const votes = new Map<string, { run: readonly Token[]; weight: number }>([[letterKey(current), { run: current, weight: meanConfidence(current) }]]);
      let found = false;
      for (const [d, line] of donorFolded.entries()) {
        for (let s = 0; s + n <= line.length; s++) {
          if (!target.every((f, j) => line[s + j] === f)) continue;
          const run = (donors[d] as readonly Token[]).slice(s, s + n);
          const vote = votes.get(letterKey(run)) ?? { run, weight: 0 };
          vote.weight += meanConfidence(run);
          votes.set(letterKey(run), vote);
          found = true;
        }
      }
      if (!found) continue;
      penaliseBareWords([...votes.values()]);
      // Sorting is stable: on a tie the reading, inserted first, stays.
      const best = [...votes.values()].sort((a, b) => b.weight - a.weight)[0] as { run: readonly Token[] };
      // A run the page confirms as read says nothing of the runs that overlap its end: move on by one word.
      if (letterKey(current) === letterKey(best.run)) break;
      for (let j = 0; j < n; j++) {
        const token = tokens[i + j] as Token;
        const after = respell(token.text, (best.run[j] as Token).text);
        if (after !== undefined && after !== token.text) {
          token.text = after;
          changed.push(i + j);
        }
      }
      i += n;
      advanced = true;
    }
    if (!advanced) i++;
  }
  return { tokens, changed };
}

/**
 * Puts back a space OCR lost between two words ("NGHỆAN", "SAPA", "SỞY"): a word that is no known word but folds
 * like two words that stand side by side in one of `phrases` (a vocabulary, or the page's own lines) is cut
 * there. A word that could be cut in more than one way is left whole.
 */
export function splitGluedWords(read: readonly Token[], phrases: readonly (readonly string[])[]): { tokens: Token[]; split: boolean } {
  const known = new Set<string>();
  const pairs = new Set<string>();
  for (const phrase of phrases) {
    const folded = phrase.map(foldLetters);
    folded.forEach((f, i) => {
      known.add(f);
      const next = folded[i + 1];
      if (f !== '' && next !== undefined && next !== '') pairs.add(`${f} ${next}`);
    });
  }
  const out: Token[] = [];
  let split = false;
  for (const token of read) {
    const folded = foldLetters(token.text);
    const chars = [...token.text];
    const cuts: number[] = [];
    // Only a word of letters alone, whose folded form is one character per character, is cut.
    if (!known.has(folded) && /^\p{L}+$/u.test(token.text) && folded.length === chars.length) {
      for (let k = 1; k < chars.length; k++) if (pairs.has(`${folded.slice(0, k)} ${folded.slice(k)}`)) cuts.push(k);
    }
    if (cuts.length === 1) {
      out.push({ ...token, text: chars.slice(0, cuts[0]).join('') }, { ...token, text: chars.slice(cuts[0]).join('') });
      split = true;
    } else out.push(token);
  }
  return { tokens: out, split };
}

/** Strips what OCR puts around a printed word: quotes, bars, dots and dashes before it, dots and dashes after it. */
export function trimWord(word: string): string {
  return word.replace(/^[^\p{L}\p{N}(]+/u, '').replace(/[^\p{L}\p{N})]+$/u, '');
}

/**
 * The words of a line printed in capitals (issuing body, signer's title), cleaned of OCR debris: words are cut
 * at a dot or dash glued between two words ("BÀN.NHÂN", "PHO-CHU"), stray punctuation is dropped, and so are
 * words with small letters, which a line of capitals never has, and single letters read with little confidence.
 */
export function capitalWords(words: readonly Token[]): Token[] {
  return words
    .flatMap((w) => w.text.split(/(?<=\p{L})[.\-–](?=\p{L})/u).map((text) => ({ ...w, text: trimWord(text) })))
    .filter((w) => /[\p{L}\p{N}]/u.test(w.text) && !/\p{Ll}/u.test(w.text) && !([...w.text].length === 1 && w.confidence < SPECK_LETTER_CONFIDENCE));
}

/** A single capital read with less confidence than this is a speck (a QR module, dust), not a word. */
const SPECK_LETTER_CONFIDENCE = 50;

/**
 * The words of a summary cleaned of OCR debris: punctuation alone at either end, quotes before it, a dot at its
 * end, and a dot glued to a word that a small letter follows (a sentence never goes on that way).
 */
export function summaryWords(words: readonly Token[]): Token[] {
  const out = words.map((w) => ({ ...w }));
  const hasText = (w: Token | undefined) => w !== undefined && /[\p{L}\p{N}]/u.test(w.text);
  while (out.length > 0 && !hasText(out[0])) out.shift();
  while (out.length > 0 && !hasText(out.at(-1))) out.pop();
  const first = out[0];
  const last = out.at(-1);
  if (!first || !last) return out;
  first.text = first.text.replace(/^[^\p{L}\p{N}(]+/u, '');
  last.text = last.text.replace(/[.;:]+$/u, '');
  for (let i = 0; i + 1 < out.length; i++) {
    const word = out[i] as Token;
    if (/^\p{Ll}/u.test((out[i + 1] as Token).text)) word.text = word.text.replace(/(?<=\p{L})\.$/u, '');
  }
  return out;
}
