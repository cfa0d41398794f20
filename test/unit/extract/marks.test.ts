// Secrecy and urgency stamps under the number line.
import { describe, expect, it } from 'vitest';
import { layoutPage } from '../../../src/extract/layout.ts';
import { isMarkLine, readMarks } from '../../../src/extract/marks.ts';
import { bodyLine, heading, page, wordsAt } from '../../support/page-builder.ts';

const marksOf = (marks: string[]) =>
  readMarks(layoutPage(page(heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024', marks }).words)));

describe('readMarks', () => {
  it.each([
    [['MẬT'], 'mat', undefined],
    [['TỐI MẬT'], 'toi-mat', undefined],
    [['TUYỆT MẬT', 'KHẨN'], 'tuyet-mat', 'khan'],
    [['THƯỢNG KHẨN'], undefined, 'thuong-khan'],
    [['HỎA TỐC'], undefined, 'hoa-toc'],
  ])('reads %j', (marks, secrecy, urgency) => {
    const read = marksOf(marks);
    expect(read.secrecy?.value).toBe(secrecy);
    expect(read.urgency?.value).toBe(urgency);
    expect(read.secrecy?.tolerant ?? false).toBe(false);
  });

  it('reads a stamp whose frame came out as bars and whose marks were lost, tolerantly', () => {
    const read = marksOf(['|TOI MAT|']);
    expect(read.secrecy).toMatchObject({ value: 'toi-mat', tolerant: true });
  });

  it('accepts one wrong letter in a long mark (a frame corner read as a letter), not in a short one', () => {
    expect(marksOf(['ÏTHƯỢNG KHẨN']).urgency).toMatchObject({ value: 'thuong-khan', tolerant: true });
    expect(marksOf(['MẶC']).secrecy).toBeUndefined();
  });

  it('does not take the word in a sentence for a mark', () => {
    const words = [...bodyLine('Bảo vệ bí mật nhà nước là nhiệm vụ khẩn cấp của toàn thể cán bộ', 900, 0)];
    expect(readMarks(layoutPage(page(words)))).toEqual({ secrecy: undefined, urgency: undefined });
  });

  it('tells a line that is only a mark', () => {
    expect(isMarkLine(wordsAt('HỎA TỐC', { x: 500, y: 700, lineIndex: 0 }))).toBe(true);
    expect(isMarkLine(wordsAt('khen thưởng năm 2023', { x: 500, y: 700, lineIndex: 0 }))).toBe(false);
  });
});
