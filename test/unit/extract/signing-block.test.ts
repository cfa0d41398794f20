// The signing block: each capacity prefix, the title under it, the signer's name.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { layoutPage } from '../../../src/extract/layout.ts';
import { readSigningBlock } from '../../../src/extract/signing-block.ts';
import { bodyLine, centredAt, page, signingBlock, wordsAt, type SigningSpec } from '../../support/page-builder.ts';

/** A last page: two body lines, then recipients and the signing block. */
function lastPage(spec: SigningSpec, extra: Word[] = []): ReturnType<typeof readSigningBlock> {
  const words = [
    ...bodyLine('Chánh Văn phòng, Giám đốc Sở Nội vụ và các cơ quan có liên quan chịu trách nhiệm', 300, 0, true),
    ...bodyLine('thi hành Quyết định này kể từ ngày ký ban hành và báo cáo kết quả thực hiện./.', 377, 1),
    ...signingBlock(spec, 520, 2),
    ...extra,
  ];
  return readSigningBlock(layoutPage(page(words, 2)));
}

describe('readSigningBlock', () => {
  it.each([
    { capacity: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], expected: 'TM', title: 'CHỦ TỊCH' },
    { capacity: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], expected: 'KT', title: 'PHÓ CHỦ TỊCH' },
    { capacity: ['TL. CHỦ TỊCH', 'CHÁNH VĂN PHÒNG'], expected: 'TL', title: 'CHÁNH VĂN PHÒNG' },
    { capacity: ['TUQ. CHỦ TỊCH', 'GIÁM ĐỐC SỞ NỘI VỤ'], expected: 'TUQ', title: 'GIÁM ĐỐC SỞ NỘI VỤ' },
    { capacity: ['Q. GIÁM ĐỐC'], expected: 'Q', title: 'GIÁM ĐỐC' },
  ])('reads the $expected capacity and the title under it', ({ capacity, expected, title }) => {
    const block = lastPage({ capacity, name: 'Lê Văn Mẫu' });
    expect(block?.lines.map((l) => l.capacity).filter(Boolean)).toEqual([expected]);
    expect(block?.title).toBe(title);
    expect(block?.signer?.text).toBe('Lê Văn Mẫu');
  });

  it('keeps both prefixes of "TM. … / KT. …", in order', () => {
    const block = lastPage({ capacity: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Trần Thị Minh Họa' });
    expect(block?.lines.map((l) => l.capacity)).toEqual(['TM', 'KT', undefined]);
    expect(block?.title).toBe('PHÓ CHỦ TỊCH');
  });

  it('reads a block with no capacity prefix', () => {
    const block = lastPage({ capacity: ['TRƯỞNG PHÒNG'], name: 'Lê Văn Mẫu' });
    expect(block?.lines).toEqual([expect.objectContaining({ capacity: undefined, text: 'TRƯỞNG PHÒNG' })]);
  });

  it('reads a prefix whose dot was lost or glued, tolerantly, and refuses a bare Q', () => {
    expect(lastPage({ capacity: ['KT CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Lê Văn Mẫu' })?.lines[0]).toMatchObject({ capacity: 'KT', tolerant: true });
    expect(lastPage({ capacity: ['KT.CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Lê Văn Mẫu' })?.lines[0]).toMatchObject({ capacity: 'KT', text: 'CHỦ TỊCH', tolerant: true });
    expect(lastPage({ capacity: ['Q GIÁM ĐỐC'], name: 'Lê Văn Mẫu' })?.lines[0]).toMatchObject({ capacity: undefined, text: 'Q GIÁM ĐỐC' });
  });

  it('reads a prefix OCR read with a look-alike letter ("KI." for "KT."), tolerantly', () => {
    expect(lastPage({ capacity: ['TM. ỦY BAN NHÂN DÂN', 'KI. CHU TỊCH', 'PHÓ CHỦ TỊCH'], name: 'Lê Văn Mẫu' })?.lines.map((l) => l.capacity)).toEqual(['TM', 'KT', undefined]);
    expect(lastPage({ capacity: ['“TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'], name: 'Lê Văn Mẫu' })?.lines[0]?.capacity).toBe('TM');
  });

  it('takes a title one letter off a known title for that title', () => {
    expect(lastPage({ capacity: ['GIAM POC'], name: 'Lê Văn Mẫu' })).toMatchObject({ title: 'GIÁM ĐỐC', titleTolerant: true });
    expect(lastPage({ capacity: ['PHO-CHU TỊCH.'], name: 'Lê Văn Mẫu' })).toMatchObject({ title: 'PHÓ CHỦ TỊCH', titleTolerant: true });
  });

  it('takes a title with a letter read twice (a vowel given with and without its marks) for that title', () => {
    expect(lastPage({ capacity: ['CHUỦU TỊCH'], name: 'Lê Văn Mẫu' })).toMatchObject({ title: 'CHỦ TỊCH', titleTolerant: true });
    expect(lastPage({ capacity: ['PHÓ GIÁAM ĐỐC'], name: 'Lê Văn Mẫu' })).toMatchObject({ title: 'PHÓ GIÁM ĐỐC', titleTolerant: true });
  });

  it('reads a name with a one-letter word and drops punctuation around it', () => {
    expect(lastPage({ capacity: ['CHỦ TỊCH'], name: 'Giàng A Mẫu' })?.signer?.text).toBe('Giàng A Mẫu');
    expect(lastPage({ capacity: ['CHỦ TỊCH'], name: 'Trịnh Thị Tham Khảo.' })?.signer?.text).toBe('Trịnh Thị Tham Khảo');
  });

  it('reads the name after the rank an officer signs with', () => {
    expect(lastPage({ capacity: ['KT. BỘ TRƯỞNG', 'THỨ TRƯỞNG'], name: 'Thượng tướng Nguyễn Văn Mẫu' })?.signer?.text).toBe('Nguyễn Văn Mẫu');
    expect(lastPage({ capacity: ['CHỈ HUY TRƯỞNG'], name: 'Đại tá Lê Thị Ví Dụ' })?.signer?.text).toBe('Lê Thị Ví Dụ');
    expect(lastPage({ capacity: [], name: 'Trung tướng Trần Minh Thử' })?.signer?.text).toBe('Trần Minh Thử');
  });

  it('keeps a name whose words are spelled like a rank in capitals: a rank ends in small letters', () => {
    expect(lastPage({ capacity: ['GIÁM ĐỐC'], name: 'Trung Tá Mẫu' })?.signer?.text).toBe('Trung Tá Mẫu');
  });

  it('reads the name after academic titles and degrees, also glued to it', () => {
    expect(lastPage({ capacity: ['HIỆU TRƯỞNG'], name: 'PGS.TS. Phạm Văn Mẫu' })?.signer?.text).toBe('Phạm Văn Mẫu');
    expect(lastPage({ capacity: ['HIỆU TRƯỞNG'], name: 'PGS. TS. Phạm Văn Mẫu' })?.signer?.text).toBe('Phạm Văn Mẫu');
    expect(lastPage({ capacity: ['VIỆN TRƯỞNG'], name: 'TS.Vũ Thị Thử' })?.signer?.text).toBe('Vũ Thị Thử');
    expect(lastPage({ capacity: ['GIÁM ĐỐC'], name: 'ThS Bùi Văn Mẫu' })?.signer?.text).toBe('Bùi Văn Mẫu');
  });

  it('gives the name alone when the title lines above it were not read', () => {
    const block = lastPage({ capacity: [], name: 'La Thị Làm Mẫu' });
    expect(block).toMatchObject({ lines: [], title: undefined, signer: { text: 'La Thị Làm Mẫu' } });
  });

  it('puts back the diacritics of a title read without them', () => {
    const block = lastPage({ capacity: ['KT. CHU TICH', 'PHO CHU TICH'], name: 'Lê Văn Mẫu' });
    expect(block).toMatchObject({ title: 'PHÓ CHỦ TỊCH', titleTolerant: true });
  });

  it('skips the strokes of the signature and an instruction between the title and the name', () => {
    const strokes = [
      ...wordsAt('~~', { x: 1650, y: 720, lineIndex: 20, confidence: 12 }),
      ...centredAt('(Ký, ghi rõ họ tên)', 1770, { y: 582, lineIndex: 21, charPx: 20, gapPx: 16 }),
    ];
    const block = lastPage({ capacity: ['GIÁM ĐỐC'], name: 'Đỗ Thị Ví Dụ' }, strokes);
    expect(block?.title).toBe('GIÁM ĐỐC');
    expect(block?.signer?.text).toBe('Đỗ Thị Ví Dụ');
  });

  it('takes the right-hand block when two are side by side (minutes)', () => {
    const words = [
      ...bodyLine('Biên bản kết thúc vào hồi 11 giờ cùng ngày, đã đọc lại cho mọi người cùng nghe./.', 300, 0, true),
      ...centredAt('THƯ KÝ', 770, { y: 500, lineIndex: 1 }),
      ...centredAt('CHỦ TỌA', 1770, { y: 500, lineIndex: 1 }),
      ...centredAt('Phạm Thị Thử', 770, { y: 850, lineIndex: 2 }),
      ...centredAt('Hoàng Văn Mô Phỏng', 1770, { y: 850, lineIndex: 2 }),
      ...wordsAt('Nơi nhận:', { x: 355, y: 1000, lineIndex: 3 }),
      ...wordsAt('- Lưu: VT.', { x: 355, y: 1062, lineIndex: 4 }),
    ];
    const block = readSigningBlock(layoutPage(page(words)));
    expect(block?.title).toBe('CHỦ TỌA');
    expect(block?.signer?.text).toBe('Hoàng Văn Mô Phỏng');
  });

  it('finds no block on a page of body text', () => {
    const words = [0, 1, 2, 3].map((i) => bodyLine('Trong năm, các phong trào thi đua được tổ chức sâu rộng trên địa bàn tỉnh', 300 + 77 * i, i));
    expect(readSigningBlock(layoutPage(page(words.flat())))).toBeUndefined();
  });
});
