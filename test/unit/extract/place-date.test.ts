// The place and date line: keywords matched tolerantly, dates checked and given as ISO.
import { describe, expect, it } from 'vitest';
import { buildRows, type Row } from '../../../src/extract/layout.ts';
import { readPlaceDate } from '../../../src/extract/place-date.ts';
import { centredAt, RIGHT_COLUMN_CENTRE_PX, wordsAt } from '../../support/page-builder.ts';

function rowsOf(...lines: string[]): Row[] {
  const words = lines.flatMap((text, i) => centredAt(text, RIGHT_COLUMN_CENTRE_PX, { y: 405 + 80 * i, lineIndex: i, charPx: 26, gapPx: 22 }));
  return buildRows(words, 47).map((ws, index) => ({ index, words: ws, lines: [], box: { x0: 0, y0: 0, x1: 0, y1: 0 } }));
}
const read = (...lines: string[]) => readPlaceDate(rowsOf(...lines), { columnGapPx: 66 });

describe('readPlaceDate', () => {
  it('reads the place and the date as ISO', () => {
    expect(read('Lào Cai, ngày 05 tháng 3 năm 2024')).toMatchObject({ place: 'Lào Cai', issueDate: '2024-03-05', dateTolerant: false });
    expect(read('Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019')).toMatchObject({ place: 'Thành phố Hồ Chí Minh', issueDate: '2019-06-29' });
    expect(read('Hà Nội, ngày 05 tháng 01 năm 2020')).toMatchObject({ place: 'Hà Nội', issueDate: '2020-01-05' });
  });

  it('matches keywords read without diacritics or with a wrong letter, and says so', () => {
    expect(read('Lào Cai, ngay 05 thang 3 nam 2024')).toMatchObject({ issueDate: '2024-03-05', dateTolerant: true });
    expect(read('Lào Cai, ngàv 05 tháng 3 năm 2024')).toMatchObject({ issueDate: '2024-03-05', dateTolerant: true });
    expect(read('Lào Cai, ngày O5 tháng 3 năm 2O24')).toMatchObject({ issueDate: '2024-03-05', dateTolerant: true });
  });

  it('reads digits glued to a keyword', () => {
    expect(read('Lào Cai, ngày 05 tháng3 năm 2024')).toMatchObject({ issueDate: '2024-03-05' });
  });

  it('keeps what exists of a date with a part misread, and names the part for a person', () => {
    expect(read('Lào Cai, ngày 31 tháng 02 năm 2024')).toMatchObject({ issueDate: '2024-02', missing: ['day'] });
    expect(read('Lào Cai, ngày 05 tháng 13 năm 2024')).toMatchObject({ issueDate: '2024', missing: ['month', 'day'] });
    // A handwritten day read as marks ("7?", "//4"), a month read as a letter.
    expect(read('Bến Tre, ngày 7? tháng 5 năm 2026')).toMatchObject({ issueDate: '2026-05', missing: ['day'] });
    expect(read('Bến Tre, ngày//4. tháng 12 năm 2011')).toMatchObject({ place: 'Bến Tre', issueDate: '2011-12', missing: ['day'] });
    expect(read('Vĩnh Long, ngày09 tháng Ó năm 2026')).toMatchObject({ issueDate: '2026', missing: ['month', 'day'] });
  });

  it('reads a day glued to "ngày" and a year whose 1 was read as a bracket', () => {
    expect(read('Vĩnh Long, ngày09 tháng 6 năm 2026')).toMatchObject({ place: 'Vĩnh Long', issueDate: '2026-06-09', dateTolerant: true });
    expect(read('Hà Nội, ngày 26 tháng 3 năm 202]')).toMatchObject({ issueDate: '2021-03-26', dateTolerant: true });
  });

  it('refuses a year that is not one', () => {
    expect(read('Lào Cai, ngày 05 tháng 3 năm 1024')).toBeUndefined();
  });

  it('stops the place at a column gap: the number line beside it is not part of it', () => {
    const number = wordsAt('Số: 15/QĐ-UBND', { x: 500, y: 405, lineIndex: 2 });
    const date = centredAt('Lào Cai, ngày 05 tháng 3 năm 2024', RIGHT_COLUMN_CENTRE_PX, { y: 405, lineIndex: 2, charPx: 26, gapPx: 22 });
    const rows = buildRows([...number, ...date], 47).map((ws, index) => ({ index, words: ws, lines: [], box: { x0: 0, y0: 0, x1: 0, y1: 0 } }));
    expect(readPlaceDate(rows, { columnGapPx: 66 })?.place).toBe('Lào Cai');
  });

  it('gives the date without a place when none is printed before it', () => {
    expect(read('ngày 05 tháng 3 năm 2024')).toMatchObject({ place: undefined, issueDate: '2024-03-05' });
  });
});
