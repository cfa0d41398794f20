// Respelling field values from the administrative lexicon: what is corrected, what is left alone, and what is recorded.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { extractFields } from '../../../src/extract/extract-fields.ts';
import { makeField } from '../../../src/extract/field.ts';
import { lexicon } from '../../../src/extract/lexicon.ts';
import { correctField, correctName, correctValue } from '../../../src/extract/lexicon-correction.ts';
import { markDistance, syllableKey } from '../../../src/extract/text-match.ts';
import { heading, page, signingBlock } from '../../support/page-builder.ts';

describe('the lexicon', () => {
  it('holds the provinces before and after the 2025 merger, the districts, communes and name syllables', () => {
    const { places, phrases, names } = lexicon();
    const has = (index: typeof places, phrase: string) => index.byKey.has(phrase);
    expect(has(phrases, 'TINH HA GIANG')).toBe(true);
    expect(has(phrases, 'THANH PHO DONG NAI')).toBe(true);
    expect(has(phrases, 'HUYEN BAO THANG')).toBe(true);
    expect(has(places, 'NINH KIEU')).toBe(true);
    expect(names.familyNames).toEqual(expect.arrayContaining(['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý']));
    expect(names.nameSyllables).toEqual(expect.arrayContaining(['Văn', 'Thị', 'Đức', 'Minh', 'Hùng', 'Thanh', 'Hương']));
  });

  it('compares words by sound: one tone in two placements is one word, another tone is another', () => {
    expect(syllableKey('Hoà')).toBe(syllableKey('hòa'));
    expect(syllableKey('dân')).not.toBe(syllableKey('dần'));
    expect(markDistance('Nguyển', 'Nguyễn')).toBe(1);
    expect(markDistance('dần', 'đàn')).toBe(2);
  });
});

describe('correctValue', () => {
  it('respells the agency and province of the two real scans, recording each change', () => {
    expect(correctValue('issuer', 'Úy ban nhân dần')).toEqual({
      text: 'Ủy ban nhân dân',
      corrections: [{ from: 'Úy ban nhân dần', to: 'Ủy ban nhân dân', source: 'lexicon:agency', confidence: expect.any(Number) }],
    });
    const province = correctValue('issuerParent', 'TÍNH LÀO CAI');
    expect(province.text).toBe('TỈNH LÀO CAI');
    expect(province.corrections).toEqual([{ from: 'TÍNH LÀO CAI', to: 'TỈNH LÀO CAI', source: 'lexicon:province', confidence: 0.9 }]);
  });

  it('respells the parts of an issuer line in capitals, each from its own list', () => {
    expect(correctValue('issuerParent', 'UBND TÍNH LÀO CAI').text).toBe('UBND TỈNH LÀO CAI');
    const issuer = correctValue('issuer', 'ỦY BAN NHÂN DẪN HUYỆN BẢO THÁNG');
    expect(issuer.text).toBe('ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG');
    expect(issuer.corrections.map((c) => c.source)).toEqual(['lexicon:agency', 'lexicon:district']);
  });

  it('knows the provinces made in the 2025 merger', () => {
    expect(correctValue('issuerParent', 'UBND THÀNH PHỐ ĐỒNG NẠI')).toMatchObject({ text: 'UBND THÀNH PHỐ ĐỒNG NAI', corrections: [{ source: 'lexicon:province' }] });
    expect(correctValue('place', 'Đồng Nai').corrections).toEqual([]);
  });

  it('respells a place line only as a whole place name, in the case it was read', () => {
    expect(correctValue('place', 'Ninh Kiểu')).toMatchObject({ text: 'Ninh Kiều', corrections: [{ from: 'Ninh Kiểu', to: 'Ninh Kiều', source: 'lexicon:district' }] });
    expect(correctValue('place', 'Ninh Kiểu và Cái Răng').corrections).toEqual([]);
  });

  it('gives a long agency name more confidence than a short place name', () => {
    const long = correctValue('issuer', 'SỞ TÀI NGUYÊN VÀ MỐI TRƯỜNG').corrections[0];
    const short = correctValue('place', 'Lảo Cai').corrections[0];
    expect(long?.confidence).toBeGreaterThan(short?.confidence ?? 1);
  });

  it('takes a long agency name one letter off for itself, with less confidence than an exact one', () => {
    const near = correctValue('issuer', 'SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔM');
    expect(near.text).toBe('SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN');
    expect(near.corrections[0]?.confidence).toBeLessThan(correctValue('issuer', 'SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THỒN').corrections[0]?.confidence ?? 0);
  });

  it('leaves a value that is spelled right untouched', () => {
    for (const [key, value] of [
      ['issuer', 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI'],
      ['issuer', 'SỞ KẾ HOẠCH VÀ ĐẦU TƯ'],
      ['place', 'Thành phố Hồ Chí Minh'],
      ['place', 'Quận 3'],
      ['documentType', 'Quyết định'],
      ['signerTitle', 'PHÓ CHỦ TỊCH'],
      ['signer', 'Nguyễn Văn Giả Định'],
      ['subject', 'Về việc tặng danh hiệu Lao động tiên tiến năm 2023'],
    ] as const) {
      expect(correctValue(key, value), `${key} ${value}`).toEqual({ text: value, corrections: [] });
    }
  });

  it('never respells codes, dates or marks', () => {
    expect(correctValue('symbol', 'QĐ-UBND').corrections).toEqual([]);
    expect(correctValue('secrecy', 'mat').corrections).toEqual([]);
  });
});

describe('correctName', () => {
  it('respells a family name OCR made into no word', () => {
    expect(correctName('Nguyển Văn Hùng')).toEqual({
      text: 'Nguyễn Văn Hùng',
      corrections: [{ from: 'Nguyển', to: 'Nguyễn', source: 'lexicon:family-name', confidence: 0.75 }],
    });
  });

  it('leaves a syllable that is a word with another tone: the lexicon cannot know which was printed', () => {
    // "Kiểu" is a word (and "Hường", "Thì" names and words); the printed names may be Kiều, Hương, Thi or just these.
    expect(correctName('Kiểu Thị Quy Ước').corrections).toEqual([]);
    expect(correctName('Trần Thị Hường').corrections).toEqual([]);
    expect(correctName('Lê Văn Thì').corrections).toEqual([]);
  });

  it('respells a syllable first in a name that is no family name into the common family it folds like', () => {
    expect(correctName('Nguyên Văn Mẫu')).toEqual({
      text: 'Nguyễn Văn Mẫu',
      corrections: [{ from: 'Nguyên', to: 'Nguyễn', source: 'lexicon:family-name', confidence: 0.6 }],
    });
    expect(correctName('Hô Thị Thử').text).toBe('Hồ Thị Thử');
    // A family name stays, and so does a word that folds like a rarer family only ("Doãn" and Đoàn are both families).
    expect(correctName('Lã Văn Mẫu').corrections).toEqual([]);
    expect(correctName('Doãn Văn Mẫu').corrections).toEqual([]);
    // Out of the family name's place a syllable is left as it is.
    expect(correctName('Trần Nguyên Hùng').corrections).toEqual([]);
  });

  it('leaves a syllable two name syllables are equally near to', () => {
    // Out of the family name's place, "Nguyển" is one mark from the middle name Nguyên and from Nguyễn.
    expect(correctName('Trần Nguyển Hùng').corrections).toEqual([]);
  });
});

describe('correctField', () => {
  const words: Word[] = [{ text: 'TÍNH', confidence: 90, box: { x0: 0, y0: 0, x1: 10, y1: 10 }, lineIndex: 0 }];

  it('makes a corrected field tolerant and costs it what a tolerant match costs, once', () => {
    const read = makeField('issuerParent', 'TÍNH LÀO CAI', 1, words);
    const corrected = correctField(read);
    expect(corrected).toMatchObject({ value: 'TỈNH LÀO CAI', tolerant: true, confidence: 72, corrections: [{ source: 'lexicon:province' }] });
    const tolerant = makeField('issuerParent', 'TÍNH LÀO CAI', 1, words, { tolerant: true });
    expect(correctField(tolerant).confidence).toBe(tolerant.confidence);
  });

  it('returns the field itself when nothing changes', () => {
    const read = makeField('issuerParent', 'TỈNH LÀO CAI', 1, words);
    expect(correctField(read)).toBe(read);
  });
});

describe('extractFields with the lexicon', () => {
  it('records the heading and signer respellings on their fields', () => {
    const h = heading({ agency: ['UBND TÍNH LÀO CAI', 'SỞ NỘI VỤ'], number: '15/QĐ-SNV', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' });
    const words = [...h.words, ...signingBlock({ capacity: ['GIÁM ĐỐC'], name: 'Nguyển Văn Hùng' }, h.nextY + 400, h.nextLineIndex)];
    const fields = extractFields([page(words)]);
    const byKey = (key: string) => fields.find((f) => f.key === key);
    expect(byKey('issuerParent')).toMatchObject({ value: 'UBND TỈNH LÀO CAI', tolerant: true, corrections: [{ from: 'UBND TÍNH', to: 'UBND TỈNH', source: 'lexicon:agency' }] });
    expect(byKey('signer')).toMatchObject({ value: 'Nguyễn Văn Hùng', corrections: [{ from: 'Nguyển', to: 'Nguyễn' }] });
    expect(byKey('issuer')?.corrections).toBeUndefined();
  });
});
