// Folding, look-alike digits and letters, and borrowed diacritics.
import { describe, expect, it } from 'vitest';
import { borrowDiacritics, canonicalChars, fold, isUpperCaseText, readDigits, readLetters } from '../../../src/extract/text-match.ts';

describe('text matching', () => {
  it('folds diacritics, Đ and the look-alike Ð, and case, one character for one', () => {
    expect(fold('Số: 15/QĐ-UBND')).toBe('SO: 15/QD-UBND');
    expect(fold('Ðộc lập')).toBe('DOC LAP');
    expect([...fold('Thành phố Hồ Chí Minh')].length).toBe([...'Thành phố Hồ Chí Minh'].length);
  });

  it('reads look-alike digits in a number, and refuses a token with no real digit', () => {
    expect(readDigits('15')).toEqual({ digits: '15', tolerant: false });
    expect(readDigits('l5')).toEqual({ digits: '15', tolerant: true });
    expect(readDigits('2O24')).toEqual({ digits: '2024', tolerant: true });
    expect(readDigits('lOl')).toBeUndefined();
    expect(readDigits('1a')).toBeUndefined();
  });

  it('reads look-alike letters in an abbreviation', () => {
    expect(readLetters('UBND')).toEqual({ letters: 'UBND', tolerant: false });
    expect(readLetters('U8ND')).toEqual({ letters: 'UBND', tolerant: true });
    expect(readLetters('V0')).toEqual({ letters: 'VO', tolerant: true });
    expect(readLetters('12')).toBeUndefined();
  });

  it('normalises OCR characters: Eth to Đ, dashes to hyphens', () => {
    expect(canonicalChars('QÐ–UBND')).toBe('QĐ-UBND');
  });

  it('tells capitals from sentence case', () => {
    expect(isUpperCaseText('PHÓ CHỦ TỊCH')).toBe(true);
    expect(isUpperCaseText('Về việc tặng')).toBe(false);
    expect(isUpperCaseText('12/2024')).toBe(false);
  });

  it('borrows diacritics letter by letter, keeping the read case', () => {
    expect(borrowDiacritics('Lao Cai', 'LÀO CAI')).toBe('Lào Cai');
    expect(borrowDiacritics('LAO', 'lào')).toBe('LÀO');
    expect(borrowDiacritics('Lao', 'Lạng')).toBeUndefined();
  });
});
