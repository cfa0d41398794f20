// extractFields on hand-built pages: every field of a decision, a công văn, marks, tolerant readings, multi-page documents.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { extractFields, type ExtractedField } from '../../../src/extract/extract-fields.ts';
import { TOLERANT_CONFIDENCE_FACTOR } from '../../../src/extract/field.ts';
import { layoutPage } from '../../../src/extract/layout.ts';
import { bodyLine, centredAt, heading, page, signingBlock, TEXT_CENTRE_PX, wordsAt, type HeadingSpec, type SigningSpec } from '../../support/page-builder.ts';

/** A one-page document: heading, optional title and summary, three body lines, closing. */
function documentPage(spec: { heading: HeadingSpec; title?: string; subject?: string[]; signing?: SigningSpec }): Word[] {
  const h = heading(spec.heading);
  const words = [...h.words];
  let y = h.nextY;
  let lineIndex = h.nextLineIndex;
  if (spec.title) {
    words.push(...centredAt(spec.title, TEXT_CENTRE_PX, { y, lineIndex: lineIndex++, charPx: 36 }));
    y += 85;
  }
  for (const line of spec.subject ?? []) {
    words.push(...centredAt(line, TEXT_CENTRE_PX, { y, lineIndex: lineIndex++, charPx: 32 }));
    y += 76;
  }
  y += 140;
  words.push(...bodyLine('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;', y, lineIndex++, true));
  words.push(...bodyLine('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022 và các văn bản hướng dẫn thi hành', (y += 77), lineIndex++, true));
  words.push(...bodyLine('có liên quan đến công tác thi đua, khen thưởng trên địa bàn tỉnh Lào Cai;', (y += 77), lineIndex++));
  if (spec.signing) words.push(...signingBlock(spec.signing, y + 160, lineIndex));
  return words;
}

const values = (fields: readonly ExtractedField[]) => Object.fromEntries(fields.map((f) => [f.key, f.value]));
const field = (fields: readonly ExtractedField[], key: string) => fields.find((f) => f.key === key);

describe('extractFields', () => {
  it('reads every field of a quyết định, each once, with its page and box', () => {
    const words = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' },
      title: 'QUYẾT ĐỊNH',
      subject: ['Về việc tặng danh hiệu Lao động tiên tiến năm 2023'],
      signing: { capacity: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Nguyễn Văn Giả Định' },
    });
    const fields = extractFields([page(words)]);

    expect(values(fields)).toEqual({
      documentType: 'Quyết định',
      number: '15',
      symbol: 'QĐ-UBND',
      issueDate: '2024-03-05',
      place: 'Lào Cai',
      issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI',
      subject: 'Về việc tặng danh hiệu Lao động tiên tiến năm 2023',
      signingCapacity: 'KT',
      signerTitle: 'PHÓ CHỦ TỊCH',
      signer: 'Nguyễn Văn Giả Định',
    });
    expect(new Set(fields.map((f) => f.key)).size).toBe(fields.length);
    for (const f of fields) {
      expect(f.pageNumber).toBe(1);
      expect(f.tolerant).toBe(false);
      expect(f.confidence).toBeCloseTo(95, 5);
    }
    const number = field(fields, 'number')!;
    const numberWord = words.find((w) => w.text === '15/QĐ-UBND')!;
    expect(number.box.x0).toBeLessThanOrEqual(numberWord.box.x0);
    expect(number.box.x1).toBe(numberWord.box.x1);
  });

  it('reads a công văn: no type line, the summary after "V/v" under the number, a parent-less two-line issuer', () => {
    const words = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DÂN', 'HUYỆN BẢO THẮNG'], number: '125/UBND-VP', vv: ['V/v gửi hồ sơ đề nghị', 'khen thưởng năm 2023'], placeDate: 'Bảo Thắng, ngày 01 tháng 3 năm 2024' },
      signing: { capacity: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Trần Thị Minh Họa' },
    });
    const fields = extractFields([page(words)]);
    expect(values(fields)).toMatchObject({
      documentType: 'Công văn',
      number: '125',
      symbol: 'UBND-VP',
      subject: 'gửi hồ sơ đề nghị khen thưởng năm 2023',
      issuer: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG',
      place: 'Bảo Thắng',
      issueDate: '2024-03-01',
    });
    expect(field(fields, 'issuerParent')).toBeUndefined();
    // Inferred from what is missing: trusted a little less than a printed type.
    expect(field(fields, 'documentType')!.confidence).toBeLessThan(95);
  });

  it('reads a công văn whose summary under the number spells its label in full ("Về việc …")', () => {
    const words = heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH PHÚ THỌ'], number: '4532/UBND-KSTTHC', vv: ['Về việc xây dựng kế hoạch rà', 'soát quy định, thủ tục hành chính.'], placeDate: 'Phú Thọ, ngày 07 tháng 12 năm 2011' }).words;
    const fields = extractFields([page(words)]);
    expect(fields.find((f) => f.key === 'subject')?.value).toBe('Về việc xây dựng kế hoạch rà soát quy định, thủ tục hành chính');
    expect(fields.find((f) => f.key === 'documentType')?.value).toBe('Công văn');
  });

  it('takes a V/v summary for a công văn even when the issuer\'s abbreviation spells a type ("CT" of Cục Thuế)', () => {
    const words = documentPage({
      heading: { parent: 'BỘ TÀI CHÍNH', agency: ['CỤC THUẾ'], number: '219/CT-CS', vv: ['V.v chính sách thuế TNDN'], placeDate: 'Hà Nội, ngày 08 tháng 4 năm 2026' },
    });
    const fields = extractFields([page(words)]);
    expect(values(fields)).toMatchObject({ documentType: 'Công văn', symbol: 'CT-CS', subject: 'chính sách thuế TNDN' });
    expect(field(fields, 'documentType')!.confidence).toBeLessThan(95 * 0.9);
  });

  it('reads the title and summary beside a received stamp that opens with the office\'s name and "ĐẾN"', () => {
    const words = [
      ...centredAt('Số: 28/2021/NĐ-CP', 715, { y: 130, lineIndex: 0 }),
      ...centredAt('Hà Nội, ngày 26 tháng 3 năm 2021', 1683, { y: 130, lineIndex: 0, charPx: 26, gapPx: 22 }),
      ...wordsAt('CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ', { x: 160, y: 230, lineIndex: 1, charPx: 14, gapPx: 10 }),
      ...wordsAt('ĐẾN', { x: 170, y: 290, lineIndex: 2, charPx: 20 }),
      ...centredAt('NGHỊ ĐỊNH', TEXT_CENTRE_PX, { y: 300, lineIndex: 2, charPx: 36 }),
      ...wordsAt('Ngày: 29/3/2021', { x: 170, y: 350, lineIndex: 3, charPx: 14, gapPx: 10 }),
      ...centredAt('Quy định cơ chế quản lý tài chính dự án', TEXT_CENTRE_PX, { y: 370, lineIndex: 3, charPx: 32 }),
      ...bodyLine('Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung', 560, 4, true),
    ];
    const layout = layoutPage(page(words));
    expect(layout.stamps.map((s) => [s.kind, s.lines.map((l) => l.text)])).toEqual([['received', ['CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ', 'ĐẾN', 'Ngày: 29/3/2021']]]);
    const fields = values(extractFields([page(words)]));
    expect(fields).toMatchObject({ documentType: 'Nghị định', number: '28/2021', symbol: 'NĐ-CP', issueDate: '2021-03-26', subject: 'Quy định cơ chế quản lý tài chính dự án' });
    expect(fields['issuer']).toBeUndefined();
  });

  it('separates the parent agency printed above the issuer', () => {
    const words = documentPage({
      heading: { parent: 'UBND TỈNH LÀO CAI', agency: ['SỞ NỘI VỤ'], number: '02/TB-SNV', placeDate: 'Lào Cai, ngày 12 tháng 3 năm 2024' },
      title: 'THÔNG BÁO',
      subject: ['Về việc kết quả thẩm định hồ sơ đề nghị', 'khen thưởng đợt 1 năm 2024'],
    });
    expect(values(extractFields([page(words)]))).toMatchObject({
      issuerParent: 'UBND TỈNH LÀO CAI',
      issuer: 'SỞ NỘI VỤ',
      documentType: 'Thông báo',
      subject: 'Về việc kết quả thẩm định hồ sơ đề nghị khen thưởng đợt 1 năm 2024',
    });
  });

  it('takes the type from the symbol when no title is read, and the title when they disagree', () => {
    const noTitle = documentPage({ heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '07/KH-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' } });
    expect(field(extractFields([page(noTitle)]), 'documentType')?.value).toBe('Kế hoạch');

    const disagree = documentPage({ heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '07/KH-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' }, title: 'BÁO CÁO' });
    const type = field(extractFields([page(disagree)]), 'documentType')!;
    expect(type.value).toBe('Báo cáo');
    expect(type.confidence).toBeLessThan(90);
  });

  it('matches what OCR read without diacritics, gives the canonical values, and lowers their confidence', () => {
    const words = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DAN', 'TÍNH LÀO CAI'], numberLine: 'Số: 15/QD-UBND', placeDate: 'Lao Cai, ngay 05 thang 3 nam 2024' },
      title: 'QUYET DINH',
      subject: ['Ve viec tặng danh hiệu Lao động tiên tiến năm 2023'],
    });
    const fields = extractFields([page(words)]);
    expect(values(fields)).toMatchObject({
      documentType: 'Quyết định',
      symbol: 'QĐ-UBND',
      issueDate: '2024-03-05',
      issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI',
      place: 'Lào Cai',
      subject: 'Về việc tặng danh hiệu Lao động tiên tiến năm 2023',
    });
    for (const key of ['documentType', 'symbol', 'issueDate', 'issuer', 'place', 'subject']) {
      const f = field(fields, key)!;
      expect({ key, tolerant: f.tolerant }).toEqual({ key, tolerant: true });
      expect(f.confidence).toBeCloseTo(95 * TOLERANT_CONFIDENCE_FACTOR, 5);
    }
    expect(field(fields, 'number')).toMatchObject({ value: '15', tolerant: false });
  });

  it('reads the secrecy and urgency marks under the number, and keeps them out of a công văn summary', () => {
    const words = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '45/UBND-NC', vv: ['V/v bảo vệ bí mật nhà nước'], placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024', marks: ['MẬT', 'HỎA TỐC'] },
    });
    const fields = extractFields([page(words)]);
    expect(values(fields)).toMatchObject({ secrecy: 'mat', urgency: 'hoa-toc', subject: 'bảo vệ bí mật nhà nước', documentType: 'Công văn' });
  });

  it('reads the signing block from the last page and the heading from the first', () => {
    const first = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' },
      title: 'QUYẾT ĐỊNH',
      subject: ['Về việc tặng danh hiệu Lao động tiên tiến năm 2023'],
    });
    const last = [
      ...centredAt('2', TEXT_CENTRE_PX, { y: 140, lineIndex: 0 }),
      ...bodyLine('Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế các quy định trước.', 300, 1, true),
      ...signingBlock({ capacity: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], name: 'Hoàng Văn Mô Phỏng' }, 500, 2),
    ];
    const fields = extractFields([page(last, 2), page(first, 1)]);
    expect(values(fields)).toMatchObject({ number: '15', signingCapacity: 'TM', signerTitle: 'CHỦ TỊCH', signer: 'Hoàng Văn Mô Phỏng' });
    expect(field(fields, 'signer')?.pageNumber).toBe(2);
    expect(field(fields, 'number')?.pageNumber).toBe(1);
  });

  describe('the page of the signing block', () => {
    const first = documentPage({
      heading: { agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], number: '15/QĐ-UBND', placeDate: 'Lào Cai, ngày 05 tháng 3 năm 2024' },
      title: 'QUYẾT ĐỊNH',
    });
    const closing = (signing: SigningSpec) => [
      ...bodyLine('Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế các quy định trước.', 300, 0, true),
      ...signingBlock(signing, 500, 1),
    ];
    const appendix = [0, 1, 2, 3].flatMap((i) => bodyLine('Danh sách các tập thể, cá nhân được tặng danh hiệu Lao động tiên tiến năm 2023', 300 + 77 * i, i));

    it('passes over a blank page scanned after the last page of text', () => {
      const specks = centredAt('.', TEXT_CENTRE_PX, { y: 900, lineIndex: 0 });
      const fields = extractFields([page(first, 1), page(closing({ capacity: ['CHỦ TỊCH'], name: 'Hoàng Văn Mô Phỏng' }), 2), page(specks, 3)]);
      expect(field(fields, 'signer')).toMatchObject({ value: 'Hoàng Văn Mô Phỏng', pageNumber: 2 });
    });

    it('takes a sure block from an earlier page when the last pages are an appendix', () => {
      const fields = extractFields([page(first, 1), page(closing({ capacity: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Hoàng Văn Mô Phỏng' }), 2), page(appendix, 3), page(appendix, 4)]);
      expect(values(fields)).toMatchObject({ signingCapacity: 'KT', signerTitle: 'PHÓ CHỦ TỊCH', signer: 'Hoàng Văn Mô Phỏng' });
      expect(field(fields, 'signer')?.pageNumber).toBe(2);
    });

    it('takes no name alone from before an appendix', () => {
      const nameAlone = page(closing({ capacity: [], name: 'Hoàng Văn Mô Phỏng' }), 2);
      expect(field(extractFields([page(first, 1), nameAlone]), 'signer')?.value).toBe('Hoàng Văn Mô Phỏng');
      expect(field(extractFields([page(first, 1), nameAlone, page(appendix, 3)]), 'signer')).toBeUndefined();
    });
  });

  it('reads the number a form prints under its title, a title the type table lacks, and no note as the summary', () => {
    const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'THỊ XÃ SA PA'], placeDate: 'Sa Pa, ngày 16 tháng 4 năm 2024' });
    const words = [
      ...h.words,
      ...centredAt('GIẤY PHÉP XÂY DỰNG', TEXT_CENTRE_PX, { y: h.nextY, lineIndex: h.nextLineIndex, charPx: 36 }),
      ...centredAt('Số: 86/GPXD', TEXT_CENTRE_PX, { y: h.nextY + 85, lineIndex: h.nextLineIndex + 1 }),
      ...centredAt('(Sử dụng cho nhà ở riêng lẻ)', TEXT_CENTRE_PX, { y: h.nextY + 160, lineIndex: h.nextLineIndex + 2 }),
      ...bodyLine('1. Cấp cho: Ông Đinh Văn Giả Lập, địa chỉ tổ dân phố số 5, phường Sa Pa, thị xã Sa Pa.', h.nextY + 300, h.nextLineIndex + 3, true),
    ];
    const fields = extractFields([page(words)]);
    expect(values(fields)).toMatchObject({ documentType: 'Giấy phép xây dựng', number: '86', symbol: 'GPXD', issuer: 'ỦY BAN NHÂN DÂN THỊ XÃ SA PA', place: 'Sa Pa' });
    expect(field(fields, 'subject')).toBeUndefined();
    // A type taken as printed, not from the table, is trusted a little less.
    expect(field(fields, 'documentType')!.confidence).toBeLessThan(95);
  });

  it('returns nothing for no pages and invents nothing on a page without a heading', () => {
    expect(extractFields([])).toEqual([]);
    const body = [0, 1, 2].flatMap((i) => bodyLine('Phong trào thi đua được tổ chức gắn với nhiệm vụ phát triển kinh tế xã hội', 400 + 77 * i, i));
    expect(extractFields([page(body)])).toEqual([]);
  });
});
