import { describe, expect, it } from 'vitest';
import { blankHeadingParts } from '../../../src/extract/blank-heading.ts';

describe('blankHeadingParts', () => {
  it('finds the number and day an e-office system leaves for its signing stamp', () => {
    // The text layer of an e-office Tờ trình, as pdf.js reads it: the reader shows "Số: 617" and "ngày 09".
    const lines = ['ỦY BAN NHÂN DÂN', 'TỈNH VĨNH LONG', 'Số: /TTr-UBND Vĩnh Long, ngày tháng 6 năm 2026', 'TỜ TRÌNH'];
    expect(blankHeadingParts(lines)).toEqual(['number', 'day']);
    expect(blankHeadingParts(['Số:    /BC-SNV', 'Vĩnh Long, ngày   tháng 5 năm 2026'])).toEqual(['number', 'day']);
    expect(blankHeadingParts(['Số: ……/QĐ-UBND'])).toEqual(['number']);
  });

  it('says nothing of a heading that is filled in, or of a page without one', () => {
    expect(blankHeadingParts(['Số: 617/TTr-UBND', 'Vĩnh Long, ngày 09 tháng 6 năm 2026'])).toEqual([]);
    expect(blankHeadingParts(['Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;'])).toEqual([]);
    expect(blankHeadingParts(['Điều 1. Phạm vi điều chỉnh'])).toEqual([]);
  });
});
