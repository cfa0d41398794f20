// The number and symbol line, read exactly and through OCR look-alikes.
import { describe, expect, it } from 'vitest';
import { textLine } from '../../../src/extract/layout.ts';
import { readNumberSymbol } from '../../../src/extract/number-symbol.ts';
import { wordsAt } from '../../support/page-builder.ts';

const line = (text: string, y = 405) => textLine(wordsAt(text, { x: 500, y, lineIndex: 2 }));
const read = (text: string, titleType?: string) => readNumberSymbol([line(text)], titleType);

describe('readNumberSymbol', () => {
  it('reads an administrative number and symbol exactly', () => {
    expect(read('Số: 15/QĐ-UBND')).toMatchObject({ number: '15', symbol: 'QĐ-UBND', numberTolerant: false, symbolTolerant: false, keywordTolerant: false });
    expect(read('Số: 15/QĐ-UBND')?.type?.name).toBe('Quyết định');
  });

  it('keeps the year of a legal normative document in the number', () => {
    expect(read('Số: 12/2024/QĐ-UBND')).toMatchObject({ number: '12/2024', symbol: 'QĐ-UBND' });
  });

  it('reads a closing bracket in the number as the 1 it stands for', () => {
    expect(read('Số: 9] /CTTĐT-BBT')).toMatchObject({ number: '91', symbol: 'CTTĐT-BBT', numberTolerant: true });
  });

  it('reads a symbol of one group only right after "Số" (a permit numbers its own series)', () => {
    expect(read('Số: 86/GPXD')).toMatchObject({ number: '86', symbol: 'GPXD', typeAmbiguous: false });
    expect(read('86/GPXD')).toBeUndefined();
  });

  it('takes the title\'s abbreviation for a type group read one letter off, and says so', () => {
    expect(read('Số: 02/CĐĐ-UBND', 'Công điện')).toMatchObject({ symbol: 'CĐ-UBND', symbolTolerant: true });
    expect(read('Số: 46/Qb-UBND', 'Quyết định')).toMatchObject({ symbol: 'QĐ-UBND', symbolTolerant: true });
    expect(read('Số: 46/Qb-UBND')).toMatchObject({ symbol: 'Qb-UBND' });
  });

  it('drops debris after the symbol', () => {
    expect(read('Số: 2156/UBND-NC -')).toMatchObject({ number: '2156', symbol: 'UBND-NC', symbolTolerant: true });
  });

  it('reads a công văn symbol, which names no type', () => {
    const ns = read('Số: 125/UBND-VP');
    expect(ns).toMatchObject({ number: '125', symbol: 'UBND-VP', typeAmbiguous: false });
    expect(ns?.type).toBeUndefined();
  });

  it('keeps mixed-case abbreviations as Appendix III writes them', () => {
    expect(read('Số: 08/TTr-PNV')).toMatchObject({ symbol: 'TTr-PNV', symbolTolerant: false });
    expect(read('Số: 03/QyĐ-UBND')).toMatchObject({ symbol: 'QyĐ-UBND', symbolTolerant: false });
    expect(read('Số: 03/QyĐ-UBND')?.type?.name).toBe('Quy định');
    expect(read('Số: 07/CTr-UBND')?.type?.name).toBe('Chương trình');
    expect(read('Số: 02/BGN-UBND')?.type?.name).toBe('Bản ghi nhớ');
    expect(read('Số: 02/BTT-SNV')?.type?.name).toBe('Bản thỏa thuận');
    expect(read('Số: 11/TrS-VP')?.type?.name).toBe('Bản trích sao');
  });

  it('puts back Đ and the case of an abbreviation read as QD or TTR, and says so', () => {
    expect(read('Số: 15/QD-UBND')).toMatchObject({ symbol: 'QĐ-UBND', symbolTolerant: true });
    expect(read('Số: 08/TTR-PNV')).toMatchObject({ symbol: 'TTr-PNV', symbolTolerant: true });
    expect(read('Số: 03/QYD-UBND')).toMatchObject({ symbol: 'QyĐ-UBND', symbolTolerant: true });
    // The Icelandic Eth that OCR returns for Đ.
    expect(read('Số: 15/QÐ-UBND')).toMatchObject({ symbol: 'QĐ-UBND' });
  });

  it('leaves an ambiguous HD/HĐ as read unless the title settles it', () => {
    expect(read('Số: 05/HD-SNV')).toMatchObject({ symbol: 'HD-SNV', symbolTolerant: false });
    expect(read('Số: 05/HD-SNV')?.type?.name).toBe('Hướng dẫn');
    expect(read('Số: 05/HD-SNV', 'Hợp đồng')).toMatchObject({ symbol: 'HĐ-SNV', symbolTolerant: true });
    expect(read('Số: 05/HĐ-SNV')?.type?.name).toBe('Hợp đồng');
  });

  it('reads look-alike digits and a damaged "Số" tolerantly', () => {
    expect(read('S0: l5/QĐ-UBND')).toMatchObject({ number: '15', numberTolerant: true, keywordTolerant: true });
    expect(read('Số 15/QĐ-UBND')).toMatchObject({ number: '15', keywordTolerant: true });
    expect(read('Sé: 15/QĐ-UBND')).toMatchObject({ number: '15', keywordTolerant: true });
    expect(read('Số:125/UBND-VP')).toMatchObject({ number: '125', symbol: 'UBND-VP' });
    expect(read('Số: 15/QĐ- UBND')).toMatchObject({ symbol: 'QĐ-UBND' });
    expect(read('Số: 21/BC-UBND.')).toMatchObject({ symbol: 'BC-UBND', symbolTolerant: true });
  });

  it('reads nothing from lines that are not a number and symbol', () => {
    expect(read('SỞ NỘI VỤ')).toBeUndefined();
    expect(read('15/QĐUBND')).toBeUndefined();
    expect(read('Số: lOl/QĐ-UBND')).toBeUndefined();
    expect(readNumberSymbol([])).toBeUndefined();
  });

  it('prefers the line with "Số" and says which line it was', () => {
    const ns = readNumberSymbol([line('ỦY BAN NHÂN DÂN', 230), line('Số: 15/QĐ-UBND', 405)]);
    expect(ns?.lineIndex).toBe(1);
  });
});
