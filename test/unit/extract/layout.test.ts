// Visual rows, column gaps and the two-column heading rebuilt from Tesseract's word boxes.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { buildRows, isSpeck, layoutPage, splitLines } from '../../../src/extract/layout.ts';
import { bodyLine, centredAt, heading, page, TEXT_CENTRE_PX, wordsAt } from '../../support/page-builder.ts';

const texts = (words: readonly Word[]) => words.map((w) => w.text).join(' ');

describe('layoutPage', () => {
  it('splits the heading that Tesseract merged into one line per row into its two columns', () => {
    const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' });
    const title = centredAt('QUYẾT ĐỊNH', TEXT_CENTRE_PX, { y: h.nextY, lineIndex: h.nextLineIndex });
    const layout = layoutPage(page([...h.words, ...title]));

    // One lineIndex held both columns; the layout gives each its own lines.
    expect(new Set(h.words.filter((w) => w.box.y0 === 230).map((w) => w.lineIndex)).size).toBe(1);
    expect(layout.mottoRow).toBe(0);
    expect(layout.heading.left.map((l) => l.text)).toEqual(['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI', 'Số: 15/QĐ-UBND']);
    expect(layout.heading.right.map((l) => l.text)).toEqual([
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Lào Cai, ngày 05 tháng 3 năm 2024',
    ]);
    // The title is under the heading, not in it.
    expect(layout.heading.lastRow).toBe(2);
    expect(texts((layout.rows[3] as { words: Word[] }).words)).toBe('QUYẾT ĐỊNH');
  });

  it('reads a number line cut by the gap of a handwritten number as one line, and keeps a speck left of the issuer apart', () => {
    const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' });
    const numberY = Math.max(...h.words.filter((w) => w.text.startsWith('Số')).map((w) => w.box.y0));
    const kept = h.words.filter((w) => w.box.y0 !== numberY || !/Số|15\//u.test(w.text));
    // "Số: 385" then a gap of three line heights (the blank the number was written in) before "/BC-SNV".
    const number = [...wordsAt('Số: 385', { x: 300, y: numberY, lineIndex: 2 }), ...wordsAt('/BC-SNV', { x: 620, y: numberY, lineIndex: 2 })];
    const speck = wordsAt('ngã', { x: 40, y: 230, lineIndex: 0 });
    const layout = layoutPage(page([...kept, ...number, ...speck]));

    expect(layout.heading.left.map((l) => l.text)).toEqual(['ngã', 'ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI', 'Số: 385 /BC-SNV']);
  });

  it('cuts a word Tesseract glued across the column gap ("THẮNGCỘNG") before the national title', () => {
    const h = heading({ parent: 'UBND HUYỆN BẢO THẮNG', agency: ['PHÒNG NỘI VỤ'], number: '08/TTr-PNV', placeDate: 'Bảo Thắng, ngày 28 tháng 02 năm 2024' });
    const row0 = h.words.filter((w) => w.box.y0 === 230);
    const thang = row0.findIndex((w) => w.text === 'THẮNG');
    const glued: Word = { ...row0[thang]!, text: 'THẮNGCỘNG', box: { ...row0[thang]!.box, x1: row0[thang + 1]!.box.x1 } };
    const words = h.words.filter((w) => w !== row0[thang] && w !== row0[thang + 1]).concat(glued);
    const layout = layoutPage(page(words));

    expect(layout.heading.left[0]?.text).toBe('UBND HUYỆN BẢO THẮNG');
    expect(layout.heading.right[0]?.text).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(layout.columnSplitPx).toBeLessThan(row0[thang + 1]!.box.x0);
    expect(layout.columnSplitPx).toBeGreaterThan(row0[thang]!.box.x0);
  });

  it('keeps a công văn summary under the number in the heading and stops at the centred "Kính gửi"', () => {
    const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'HUYỆN BẢO THẮNG'], number: '125/UBND-VP', vv: ['V/v gửi hồ sơ đề nghị', 'khen thưởng năm 2023'], placeDate: 'Bảo Thắng, ngày 01 tháng 3 năm 2024' });
    const kinhGui = centredAt('Kính gửi: Sở Nội vụ tỉnh Lào Cai.', TEXT_CENTRE_PX, { y: h.nextY, lineIndex: h.nextLineIndex });
    const layout = layoutPage(page([...h.words, ...kinhGui]));

    expect(layout.heading.left.map((l) => l.text)).toEqual(['ỦY BAN NHÂN DÂN', 'HUYỆN BẢO THẮNG', 'Số: 125/UBND-VP', 'V/v gửi hồ sơ đề nghị', 'khen thưởng năm 2023']);
    expect(layout.rows[layout.heading.lastRow + 1]?.words[0]?.text).toBe('Kính');
  });

  it('does not take the issuer\'s "SỞ" for the number keyword "Số"', () => {
    // No "ngày" is read on the date line, so only the number line tells where the heading ends.
    const h = heading({ parent: 'UBND TỈNH BẾN TRE', agency: ['SỞ THÔNG TIN VÀ TRUYỀN THÔNG'], number: '666/TB-STTTT', placeDate: 'Bến Tre, 14 tháng 12 năm 2011' });
    const title = centredAt('THÔNG BÁO', TEXT_CENTRE_PX, { y: h.nextY, lineIndex: h.nextLineIndex });
    const layout = layoutPage(page([...h.words, ...title]));
    expect(layout.heading.lastRow).toBe(2);
    expect(layout.heading.left.map((l) => l.text)).toContain('Số: 666/TB-STTTT');
  });

  it('keeps a "V/v" line set wider than the issuer\'s column whole in the heading', () => {
    const vv = ['V/v đăng ký danh sách tham gia Hội thi kỹ năng sử dụng máy tính năm 2011', 'của các đơn vị'];
    const h = heading({ agency: ['SỞ THÔNG TIN VÀ TRUYỀN THÔNG'], number: '275/STTTT-CNTT', vv, placeDate: 'Phú Thọ, ngày 16 tháng 12 năm 2011' });
    const layout = layoutPage(page(h.words));
    const wide = h.words.find((w) => w.text === 'V/v');
    expect(Math.max(...h.words.filter((w) => w.lineIndex === wide?.lineIndex).map((w) => w.box.x1))).toBeGreaterThan(layout.columnSplitPx + layout.lineHeightPx);
    expect(layout.heading.left.map((l) => l.text).slice(-2)).toEqual(vv);
    expect(layout.heading.right.map((l) => l.text)).toHaveLength(3);
  });

  it('reads past capitals left of a national title cut off at the top of the page to the number and date', () => {
    const words = [
      ...wordsAt('T700 14D = LỰÝI XÃO MAI', { x: 1300, y: 40, lineIndex: 0, confidence: 30 }),
      ...centredAt('Số: 155/2020/NĐ-CP', 715, { y: 130, lineIndex: 1 }),
      ...centredAt('Hà Nội, ngày 31 tháng 12 năm 2020', 1683, { y: 130, lineIndex: 1, charPx: 26, gapPx: 22 }),
      ...centredAt('NGHỊ ĐỊNH', TEXT_CENTRE_PX, { y: 300, lineIndex: 2, charPx: 36 }),
    ];
    const layout = layoutPage(page(words));
    expect(layout.mottoRow).toBeUndefined();
    expect(layout.heading.lastRow).toBe(1);
    expect(layout.heading.left.map((l) => l.text)).toEqual(['Số: 155/2020/NĐ-CP']);
  });

  it('finds no heading on a continuation page', () => {
    const words = [
      ...centredAt('2', TEXT_CENTRE_PX, { y: 140, lineIndex: 0 }),
      ...bodyLine('Điều 2. Kinh phí khen thưởng thực hiện theo quy định hiện hành, do ngân sách', 300, 1, true),
      ...bodyLine('huyện chi trả từ quỹ thi đua, khen thưởng năm 2024 ngày 15 tháng 3 năm 2024.', 377, 2),
    ];
    const layout = layoutPage(page(words, 2));
    expect(layout.mottoRow).toBeUndefined();
    expect(layout.heading).toEqual({ left: [], right: [], lastRow: -1 });
  });

  it('measures the text block from the rows that reach its margins', () => {
    const words = [0, 1, 2, 3].flatMap((i) => bodyLine('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và Luật', 900 + i * 77, i, i === 0));
    const layout = layoutPage(page(words));
    expect(layout.textLeftPx).toBe(355);
    expect(layout.textRightPx).toBeGreaterThan(2250);
  });
});

describe('buildRows and splitLines', () => {
  it('puts words of different Tesseract lines on one visual row and orders them left to right', () => {
    const right = wordsAt('KT. CHỦ TỊCH', { x: 1550, y: 1002, lineIndex: 7 });
    const left = wordsAt('Nơi nhận:', { x: 355, y: 1000, lineIndex: 3 });
    const below = wordsAt('- Như trên;', { x: 355, y: 1062, lineIndex: 4 });
    const rows = buildRows([...right, ...below, ...left], 47);
    expect(rows.map(texts)).toEqual(['Nơi nhận: KT. CHỦ TỊCH', '- Như trên;']);
    expect(splitLines(rows[0]!, 66).map((l) => l.text)).toEqual(['Nơi nhận:', 'KT. CHỦ TỊCH']);
  });

  it('takes punctuation read with low confidence and faint single letters for specks, not text', () => {
    const word = (text: string, confidence: number): Word => ({ text, confidence, lineIndex: 0, box: { x0: 0, y0: 0, x1: 10, y1: 10 } });
    expect(isSpeck(word(':', 30))).toBe(true);
    expect(isSpeck(word('i', 0))).toBe(true);
    expect(isSpeck(word('-', 93))).toBe(false);
    expect(isSpeck(word('việc', 15))).toBe(false);
  });
});
