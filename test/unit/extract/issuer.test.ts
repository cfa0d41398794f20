// The issuing body and its parent line from the heading's left column, with OCR spelling repaired.
import { describe, expect, it } from 'vitest';
import { readIssuer } from '../../../src/extract/issuer.ts';
import { textLine } from '../../../src/extract/layout.ts';
import { centredAt, LEFT_COLUMN_CENTRE_PX } from '../../support/page-builder.ts';

const lines = (...texts: string[]) => texts.map((t, i) => textLine(centredAt(t, LEFT_COLUMN_CENTRE_PX, { y: 230 + 75 * i, lineIndex: i })));

describe('readIssuer', () => {
  it('joins an issuer wrapped on two lines', () => {
    const read = readIssuer(lines('ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'));
    expect(read?.issuer).toMatchObject({ text: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', tolerant: false });
    expect(read?.parent).toBeUndefined();
  });

  it('separates the parent line above a body that opens a new name', () => {
    expect(readIssuer(lines('UBND TỈNH LÀO CAI', 'SỞ NỘI VỤ'))).toMatchObject({ parent: { text: 'UBND TỈNH LÀO CAI' }, issuer: { text: 'SỞ NỘI VỤ' } });
    expect(readIssuer(lines('BỘ NỘI VỤ', 'VỤ TỔ CHỨC CÁN BỘ'))).toMatchObject({ parent: { text: 'BỘ NỘI VỤ' }, issuer: { text: 'VỤ TỔ CHỨC CÁN BỘ' } });
    expect(readIssuer(lines('UBND TỈNH LÀO CAI', 'SỞ GIÁO DỤC', 'VÀ ĐÀO TẠO'))).toMatchObject({
      parent: { text: 'UBND TỈNH LÀO CAI' },
      issuer: { text: 'SỞ GIÁO DỤC VÀ ĐÀO TẠO' },
    });
  });

  it('takes an abbreviated first line for the parent whatever follows it', () => {
    expect(readIssuer(lines('UBND HUYỆN BẢO THẮNG', 'BAN QUẢN LÝ DỰ ÁN'))).toMatchObject({ parent: { text: 'UBND HUYỆN BẢO THẮNG' }, issuer: { text: 'BAN QUẢN LÝ DỰ ÁN' } });
  });

  it('keeps a continuation that starts with an administrative unit in the issuer', () => {
    expect(readIssuer(lines('HỘI ĐỒNG NHÂN DÂN', 'THÀNH PHỐ LÀO CAI'))).toMatchObject({ issuer: { text: 'HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ LÀO CAI' }, parent: undefined });
  });

  it('puts back diacritics OCR dropped or changed, from the agency vocabulary and the page', () => {
    const read = readIssuer(lines('ỦY BAN NHÂN DAN', 'TÍNH LAO CAI'), [[{ text: 'Lào', confidence: 96 }, { text: 'Cai,', confidence: 96 }]]);
    expect(read?.issuer).toMatchObject({ text: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', tolerant: true });
  });

  it('respells an administrative level only where it opens a line, never a place name that folds like it', () => {
    expect(readIssuer(lines('ỦY BAN NHÂN DÂN', 'TÍNH LÀO CAI'))?.issuer.text).toBe('ỦY BAN NHÂN DÂN TỈNH LÀO CAI');
    expect(readIssuer(lines('ỦY BAN NHÂN DÂN', 'TỈNH HÀ TĨNH'))?.issuer).toMatchObject({ text: 'ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH', tolerant: false });
    expect(readIssuer(lines('ỦY BAN NHÂN DÂN', 'XÃ PHONG HẢI'))?.issuer).toMatchObject({ text: 'ỦY BAN NHÂN DÂN XÃ PHONG HẢI', tolerant: false });
    expect(readIssuer(lines('UBND TINH LÀO CAI', 'SỞ NỘI VỤ'))?.parent?.text).toBe('UBND TỈNH LÀO CAI');
  });

  it('puts back a space OCR lost, from the page or the vocabulary', () => {
    const read = readIssuer(lines('SỞY TẾ NGHỆAN', 'CHI CỤC AN TOÀN', 'VỆ SINH THỰC PHẨM'), [[{ text: 'Nghệ', confidence: 96 }, { text: 'An,', confidence: 96 }]]);
    expect(read).toMatchObject({ parent: { text: 'SỞ Y TẾ NGHỆ AN', tolerant: true }, issuer: { text: 'CHI CỤC AN TOÀN VỆ SINH THỰC PHẨM' } });
  });

  it('ignores lines that are not a name in capitals (QR specks, a stray letter)', () => {
    expect(readIssuer(lines('ae', 'SỞ TƯ PHÁP'))?.issuer.text).toBe('SỞ TƯ PHÁP');
    expect(readIssuer([])).toBeUndefined();
  });
  it('takes a body glued into one word for the issuer under its parent', () => {
    expect(readIssuer(lines('BỘ TÀI CHÍNH', 'HỌCVIỆNTÀI CHÍNH'))).toMatchObject({ parent: { text: 'BỘ TÀI CHÍNH' }, issuer: { text: 'HỌC VIỆN TÀI CHÍNH' } });
  });

  it('leaves out the symbol groups and the symbol line read with the name, and keeps a name’s own abbreviations', () => {
    expect(readIssuer(lines('ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI KSTTHC'), [], 'UBND-KSTTHC')?.issuer.text).toBe('ỦY BAN NHÂN DÂN TỈNH LÀO CAI');
    expect(readIssuer(lines('ỦY BAN NHÂN DÂN', 'QUẬN 3'))?.issuer.text).toBe('ỦY BAN NHÂN DÂN QUẬN 3');
    expect(readIssuer(lines('SỞ NỘI VỤ', '12 BC SNV'))?.issuer.text).toBe('SỞ NỘI VỤ');
    expect(readIssuer(lines('TRUNG TÂM CNTT'), [], 'TB-VP')?.issuer.text).toBe('TRUNG TÂM CNTT');
    expect(readIssuer(lines('TRƯỜNG THCS SỐ 2'))?.issuer.text).toBe('TRƯỜNG THCS SỐ 2');
  });
});
