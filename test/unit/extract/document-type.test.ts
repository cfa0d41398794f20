// The type table, type abbreviations read tolerantly, and title lines matched to type names.
import { describe, expect, it } from 'vitest';
import { documentTypeTable, matchTitle, typeByAbbreviation } from '../../../src/extract/document-type.ts';
import { buildRows, textLine, type Row } from '../../../src/extract/layout.ts';
import { centredAt, TEXT_CENTRE_PX } from '../../support/page-builder.ts';

function row(text: string): Row {
  const words = buildRows(centredAt(text, TEXT_CENTRE_PX, { y: 525, lineIndex: 3, charPx: 36 }), 47)[0]!;
  const line = textLine(words);
  return { index: 3, words, lines: [line], box: line.box };
}

describe('document type table', () => {
  it('has the 29 types of Decree 30 Art. 7, the Appendix III abbreviations and the copy types', () => {
    const abbreviations = documentTypeTable.map((t) => t.abbreviation).filter(Boolean);
    for (const a of ['NQ', 'QĐ', 'CT', 'QC', 'QyĐ', 'TC', 'TB', 'HD', 'CTr', 'KH', 'PA', 'ĐA', 'DA', 'BC', 'BB', 'TTr', 'HĐ', 'CĐ', 'BGN', 'BTT', 'GUQ', 'GM', 'GGT', 'GNP', 'PG', 'PC', 'PB', 'SY', 'TrS', 'SL']) {
      expect(abbreviations).toContain(a);
    }
    expect(new Set(abbreviations).size).toBe(abbreviations.length);
    expect(documentTypeTable.find((t) => t.name === 'Công văn')?.abbreviation).toBeUndefined();
    expect(documentTypeTable.find((t) => t.name === 'Thư công')?.abbreviation).toBeUndefined();
  });
});

describe('typeByAbbreviation', () => {
  it('finds the type of an exact abbreviation', () => {
    expect(typeByAbbreviation('BGN')).toEqual({ type: { name: 'Bản ghi nhớ', abbreviation: 'BGN' }, tolerant: false });
    expect(typeByAbbreviation('SY')?.type.name).toBe('Bản sao y');
    expect(typeByAbbreviation('UBND')).toBeUndefined();
  });

  it('folds case and Đ, and lets the title settle HD/HĐ and DA/ĐA', () => {
    expect(typeByAbbreviation('QD')).toEqual({ type: { name: 'Quyết định', abbreviation: 'QĐ' }, tolerant: true });
    expect(typeByAbbreviation('Ctr')?.type.abbreviation).toBe('CTr');
    expect(typeByAbbreviation('DA')?.type.name).toBe('Dự án');
    expect(typeByAbbreviation('DA', 'Đề án')).toEqual({ type: { name: 'Đề án', abbreviation: 'ĐA' }, tolerant: true });
    expect(typeByAbbreviation('Hd')).toBeUndefined();
  });
});

describe('matchTitle', () => {
  it('matches a title line and gives the sentence-case name', () => {
    expect(matchTitle(row('QUYẾT ĐỊNH'))).toMatchObject({ type: { name: 'Quyết định' }, tolerant: false });
    expect(matchTitle(row('BẢN GHI NHỚ'))).toMatchObject({ type: { name: 'Bản ghi nhớ' }, tolerant: false });
    expect(matchTitle(row('GIẤY GIỚI THIỆU'))).toMatchObject({ type: { name: 'Giấy giới thiệu' } });
  });

  it('matches a title read without its diacritics or with one wrong letter, tolerantly', () => {
    expect(matchTitle(row('QUYET DINH'))).toMatchObject({ type: { name: 'Quyết định' }, tolerant: true });
    expect(matchTitle(row('THÔNG BẢO'))).toMatchObject({ type: { name: 'Thông báo' }, tolerant: true });
    expect(matchTitle(row('KẾ HOACH'))).toMatchObject({ type: { name: 'Kế hoạch' }, tolerant: true });
    expect(matchTitle(row('TỜ TRINH'))).toMatchObject({ type: { name: 'Tờ trình' }, tolerant: true });
  });

  it('prefers an exact name to a near one ("THÔNG CÁO" is not "THÔNG BÁO")', () => {
    expect(matchTitle(row('THÔNG CÁO'))?.type.name).toBe('Thông cáo');
  });

  it('ignores lines that are not a type name or not capitals', () => {
    expect(matchTitle(row('Quyết định'))).toBeUndefined();
    expect(matchTitle(row('CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI'))).toBeUndefined();
    expect(matchTitle(row('ĐIỀU 1. PHẠM VI'))).toBeUndefined();
  });

  it('takes a title that opens like a type name but is not in the table as printed, in sentence case', () => {
    expect(matchTitle(row('GIẤY PHÉP XÂY DỰNG'))).toMatchObject({ type: { name: 'Giấy phép xây dựng' }, known: false, tolerant: false });
    expect(matchTitle(row('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'))?.type.name).toBe('Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    expect(matchTitle(row('GIẤY'))).toBeUndefined();
  });
});
