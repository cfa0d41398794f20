// Stamps are not the document: received and copy stamps, e-signature boxes and seals keep their numbers, dates and names.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { extractFields, type ExtractedField } from '../../../src/extract/extract-fields.ts';
import { layoutPage } from '../../../src/extract/layout.ts';
import { readSigningTime } from '../../../src/extract/stamps.ts';
import { bodyLine, centredAt, heading, page, signingBlock, SIGNING_CENTRE_PX, TEXT_CENTRE_PX, TEXT_LEFT_PX, wordsAt, type HeadingSpec } from '../../support/page-builder.ts';

/** Page 1 of a công văn with `extra` words (the stamp) pressed onto it. */
function congVan(spec: Partial<HeadingSpec>, extra: Word[] = []): Word[] {
  const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], vv: ['V/v cấp giấy phép xây dựng'], placeDate: 'Lào Cai, ngày 15 tháng 01 năm 2025', ...spec }, 10);
  return [...extra, ...h.words, ...centredAt('Kính gửi: Sở Xây dựng tỉnh Lào Cai', TEXT_CENTRE_PX, { y: h.nextY + 60, lineIndex: h.nextLineIndex })];
}

/** A stamp's lines, in its smaller type, one under the other from (x, y). */
function stampLines(lines: readonly string[], x: number, y: number, confidence = 80): Word[] {
  return lines.flatMap((text, i) => wordsAt(text, { x, y: y + i * 52, lineIndex: i, charPx: 22, gapPx: 16, confidence }));
}

const values = (fields: readonly ExtractedField[]) => Object.fromEntries(fields.map((f) => [f.key, f.value]));
const field = (fields: readonly ExtractedField[], key: string) => fields.find((f) => f.key === key);

describe('received-document stamp', () => {
  const received = stampLines(['CÔNG VĂN ĐẾN', 'Số: 2352', 'Ngày: 21.3.18', 'Chuyển: P. TTHC'], TEXT_LEFT_PX + 40, 0);

  it('is found by its words, with the lines it holds', () => {
    const layout = layoutPage(page(congVan({ number: '299/UBND-TTHC' }, received)));
    expect(layout.stamps.map((s) => [s.kind, s.lines.map((l) => l.text)])).toEqual([['received', ['CÔNG VĂN ĐẾN', 'Số: 2352', 'Ngày: 21.3.18', 'Chuyển: P. TTHC']]]);
  });

  it('leaves the document its own number, date and issuer', () => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC' }, received))]);
    expect(values(fields)).toMatchObject({ number: '299', symbol: 'UBND-TTHC', issueDate: '2025-01-15', issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI' });
  });

  it('does not lend its number when the document\'s own was written by hand', () => {
    const fields = extractFields([page(congVan({ numberLine: 'Số: ,,, /UBND-TTHC' }, received))]);
    expect(field(fields, 'number')).toBeUndefined();
    expect(field(fields, 'symbol')).toMatchObject({ value: 'UBND-TTHC', partial: { missing: ['number'] } });
    expect(field(fields, 'issuer')?.value).toBe('ỦY BAN NHÂN DÂN TỈNH LÀO CAI');
  });

  it('does not lend its date, one-line form, when the document\'s day was written by hand', () => {
    const compact = stampLines(['ĐẾN Số: 2352 Ngày 21 tháng 3 năm 2018'], 1350, 120);
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC', placeDate: 'Lào Cai, ngày .... tháng 01 năm 2025' }, compact))]);
    expect(field(fields, 'issueDate')).toMatchObject({ value: '2025-01', partial: { missing: ['day'] } });
    expect(field(fields, 'place')?.value).toBe('Lào Cai');
  });
});

describe('copy stamp', () => {
  const copy = stampLines(['SAO Y BẢN CHÍNH', 'Số: 15/SY-VP', 'Lào Cai, ngày 20 tháng 02 năm 2025'], TEXT_LEFT_PX + 40, 40);

  it('keeps its own number and date: the document\'s are read', () => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC' }, copy))]);
    expect(values(fields)).toMatchObject({ number: '299', symbol: 'UBND-TTHC', issueDate: '2025-01-15', issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI' });
  });

  it('is not taken for the document\'s number when that is missing', () => {
    const fields = extractFields([page(congVan({ numberLine: 'Số: /UBND-TTHC' }, copy))]);
    expect(field(fields, 'number')).toBeUndefined();
    expect(field(fields, 'symbol')?.value).toBe('UBND-TTHC');
  });
});

describe('e-signature box', () => {
  /** A last page: body, recipients, signing block, and the e-signature box under the name. */
  function lastPage(): Word[] {
    const block = signingBlock({ capacity: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Nguyễn Văn An' }, 520, 2);
    const nameY = 520 + 8 * 62;
    return [
      ...bodyLine('Ủy ban nhân dân tỉnh đề nghị Sở Xây dựng xem xét, giải quyết theo quy định./.', 300, 0, true),
      ...block,
      ...stampLines(['Ký bởi: Ủy ban nhân dân', 'Tỉnh Lào Cai', 'Thời gian ký: 16.01.2025 07:46:10'], SIGNING_CENTRE_PX - 300, nameY + 90),
    ];
  }

  it('is found, with its signing time for later use as a bound', () => {
    const layout = layoutPage(page(lastPage(), 2));
    const box = layout.stamps.find((s) => s.kind === 'e-signature');
    expect(box?.lines.map((l) => l.text)).toEqual(['Ký bởi: Ủy ban nhân dân', 'Tỉnh Lào Cai', 'Thời gian ký: 16.01.2025 07:46:10']);
    expect(box?.signingTime).toBe('2025-01-16T07:46:10+07:00');
  });

  it('gives neither the signer nor the issue date', () => {
    const first = page(congVan({ number: '299/UBND-TTHC', placeDate: 'Lào Cai, ngày .... tháng 01 năm 2025' }, stampLines(['Ký bởi: Ủy ban nhân dân tỉnh Lào Cai', 'Thời gian ký: 16.01.2025 07:46:10'], 1500, 40)));
    const fields = extractFields([first, page(lastPage(), 2)]);
    expect(field(fields, 'signer')?.value).toBe('Nguyễn Văn An');
    expect(field(fields, 'signerTitle')?.value).toBe('PHÓ CHỦ TỊCH');
    expect(field(fields, 'issueDate')).toMatchObject({ value: '2025-01', partial: { missing: ['day'] } });
  });

  it.each([
    ['16.01.2025 07:46:10', '2025-01-16T07:46:10+07:00'],
    ['Thời gian ký: 6/1/2025 7:46', '2025-01-06T07:46:00+07:00'],
    ['2025-01-16T07:46:10+0700', '2025-01-16T07:46:10+07:00'],
    ['16.13.2025 07:46:10', undefined],
  ])('reads the signing time %s', (text, expected) => {
    expect(readSigningTime(text)).toBe(expected);
  });
});

describe('seal', () => {
  it('is not taken for the signer\'s title: its ring text is tilted and read unsure', () => {
    const block = signingBlock({ capacity: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Nguyễn Văn An' }, 520, 2);
    // The top of the ring, over the signature: words tilted along the curve, boxes taller than print.
    const ring = ['ỦY', 'BAN', 'NHÂN', 'DÂN'].map((text, i): Word => {
      const x0 = SIGNING_CENTRE_PX - 260 + i * 120;
      const y0 = 520 + 3 * 62 + [30, 6, 0, 18][i]!;
      return { text, box: { x0, y0, x1: x0 + 90, y1: y0 + 80 }, confidence: 62, lineIndex: 20 };
    });
    const words = [...bodyLine('Ủy ban nhân dân tỉnh đề nghị Sở Xây dựng xem xét, giải quyết theo quy định./.', 300, 0, true), ...block, ...ring];
    const fields = extractFields([page(words, 2)]);
    expect(values(fields)).toMatchObject({ signingCapacity: 'KT', signerTitle: 'PHÓ CHỦ TỊCH', signer: 'Nguyễn Văn An' });
  });
});
