// Where a stack is cut: sohoa cover sheets, generic separators, the Circular 01/2023 receipt QR, and every doubt
// on the to-review list instead of a silent guess.
import { describe, expect, it } from 'vitest';
import { encodeCoverSheet } from '../../../src/split/cover-sheet.ts';
import { describeDoubt, planSplit, type PageCode } from '../../../src/split/plan-split.ts';
import { duplexReadingOrder } from '../../../src/split/collate-duplex.ts';

const qr = (text: string): PageCode => ({ text, format: 'QRCode', valid: true });
const dossierSheet = (code: string, title?: string) => [qr(encodeCoverSheet({ dossierCode: code, dossierKind: 'component', ...(title ? { title } : {}) }))];
const documentSheet = (code: string, id: string) => [qr(encodeCoverSheet({ dossierCode: code, documentId: id, documentType: 'Tờ trình' }))];
const page: PageCode[] = [];
const reviewOf = (plan: ReturnType<typeof planSplit>) => plan.review.map(describeDoubt);
const shape = (plan: ReturnType<typeof planSplit>) => plan.dossiers.map((d) => ({ id: d.id, documents: d.documents.map((doc) => [doc.id, ...doc.pages]) }));

describe('planSplit', () => {
  it('cuts on cover sheets into dossiers and documents, leaving the sheets out, with every cut named', () => {
    const plan = planSplit([dossierSheet('H05-0001', 'Hồ sơ một'), documentSheet('H05-0001', 'TTR-08'), page, page, documentSheet('H05-0001', 'CV-125'), page, dossierSheet('H05-0002'), page, page, page]);
    expect(shape(plan)).toEqual([
      { id: 'H05-0001', documents: [['TTR-08', 2, 3], ['CV-125', 5]] },
      { id: 'H05-0002', documents: [['D-001', 7, 8, 9]] },
    ]);
    expect(plan.dossiers[0]).toMatchObject({ code: 'H05-0001', kind: 'component', title: 'Hồ sơ một' });
    expect(plan.dossiers[0]!.documents[0]).toMatchObject({ type: 'Tờ trình' });
    expect(plan.cuts.map((c) => [c.page, c.rule, c.starts, c.dropped])).toEqual([
      [0, 'cover-sheet', 'dossier', true],
      [1, 'cover-sheet', 'document', true],
      [4, 'cover-sheet', 'document', true],
      [6, 'cover-sheet', 'dossier', true],
    ]);
    expect(reviewOf(plan)).toEqual([]);
  });

  it('cuts documents on PATCHT in Code 128, Code 39 or QR, first page and last page included, never leaving an empty document', () => {
    const sep = (format: string): PageCode[] => [{ text: 'PATCHT', format, valid: true }];
    const plan = planSplit([sep('Code128'), page, page, sep('Code39'), sep('QRCode'), page, sep('Code128')]);
    expect(shape(plan)).toEqual([{ id: 'stack-p1', documents: [['D-001', 1, 2], ['D-002', 5]] }]);
    expect(plan.cuts.map((c) => c.page)).toEqual([0, 3, 4, 6]);
    expect(reviewOf(plan)).toEqual([
      'page 4: a separator sheet is followed by no page (the next sheet is page 5)',
      'page 7: a separator sheet is the last page of the stack; no page follows it',
    ]);
    // keep-separator: the sheet stays, as the first page of its document.
    expect(shape(planSplit([dossierSheet('A'), page, sep('Code39'), page], { keepSeparator: true }))).toEqual([{ id: 'A', documents: [['D-001', 1], ['D-002', 2, 3]] }]);
    // An archive's own separator value, by pattern.
    expect(shape(planSplit([page, [{ text: 'ASN-000123', format: 'Code128', valid: true }], page], { separator: /^ASN-\d+$/ }))[0]!.documents).toEqual([['D-001', 0], ['D-002', 2]]);
  });

  it('starts a dossier at a receipt carrying the Circular 01/2023 QR, and keeps the receipt page', () => {
    const receipt = (code: string) => [qr(JSON.stringify({ maHoSo: code, maTTHC: '1.000466' }))];
    const plan = planSplit([receipt('H05.22-240305-0001'), page, receipt('H05.22-240305-0001'), receipt('H05.22-240305-0002'), page]);
    expect(shape(plan)).toEqual([
      { id: 'H05.22-240305-0001', documents: [['D-001', 0, 1, 2]] },
      { id: 'H05.22-240305-0002', documents: [['D-001', 3, 4]] },
    ]);
    expect(plan.cuts.map((c) => [c.page, c.rule, c.value, c.dropped])).toEqual([
      [0, 'circular-01-2023', 'H05.22-240305-0001', false],
      [3, 'circular-01-2023', 'H05.22-240305-0002', false],
    ]);
    // After a generic separator (first page, or between dossiers) the receipt names the dossier; no doubt.
    const sep: PageCode[] = [{ text: 'PATCHT', format: 'Code39', valid: true }];
    const after = planSplit([sep, receipt('H05.22-240305-0001'), page, sep, receipt('H05.22-240305-0002'), page]);
    expect(shape(after)).toEqual([
      { id: 'H05.22-240305-0001', documents: [['D-001', 1, 2]] },
      { id: 'H05.22-240305-0002', documents: [['D-001', 4, 5]] },
    ]);
    expect(reviewOf(after)).toEqual([]);
  });

  it('never cuts on a code that failed its checksum, a cover sheet it cannot read, or two codes that disagree; each goes to review', () => {
    const torn: PageCode[] = [{ text: '', format: 'QRCode', valid: false }];
    const unreadable = [qr('SOHOA1?tl=no%20code')];
    const disagree = [qr(JSON.stringify({ maHoSo: 'X-1' })), qr(JSON.stringify({ maHoSo: 'X-2' }))];
    const plan = planSplit([dossierSheet('A'), page, torn, unreadable, disagree, page, page]);
    expect(shape(plan)).toEqual([{ id: 'A', documents: [['D-001', 1, 2, 3, 4, 5, 6]] }]);
    expect(reviewOf(plan)).toEqual([
      expect.stringMatching(/^page 3: a QRCode code was found but could not be read/),
      expect.stringMatching(/^page 4: a cover sheet that cannot be used \(the cover sheet's code carries no dossier code/),
      expect.stringMatching(/^page 5: two dossier codes disagree on one page \(X-1, X-2\)/),
    ]);
  });

  it('flags pages before the first sheet, a dossier sheet with no page, a receipt disagreeing with its sheet, and a dossier twice', () => {
    const receipt = [qr(JSON.stringify({ maHoSo: 'OTHER-9' }))];
    const plan = planSplit([page, dossierSheet('A'), dossierSheet('B'), receipt, page, dossierSheet('A'), page]);
    expect(shape(plan)).toEqual([
      { id: 'stack-p1', documents: [['D-001', 0]] },
      { id: 'B', documents: [['D-001', 3, 4]] },
      { id: 'A', documents: [['D-001', 6]] },
    ]);
    expect(reviewOf(plan)).toEqual([
      expect.stringMatching(/^page 1: pages before the first separator/),
      'page 2: the cover sheet of A is followed by no page (the next sheet is page 3)',
      expect.stringMatching(/^page 4: its QR code names dossier OTHER-9, but the cover sheet before it names B/),
    ]);
    const twice = planSplit([dossierSheet('A'), page, dossierSheet('A'), page]);
    expect(shape(twice).map((d) => d.id)).toEqual(['A', 'A-2']);
    expect(reviewOf(twice)).toEqual(['dossier A appears twice in the stack; the second one is A-2: check whether they belong together']);
  });

  it('names where each cut sent its pages, and no place for a sheet followed by no page', () => {
    const sep: PageCode[] = [{ text: 'PATCHT', format: 'Code128', valid: true }];
    const plan = planSplit([dossierSheet('A'), documentSheet('A', 'TTR-08'), page, sep, page, sep, sep, page]);
    expect(plan.cuts.map((c) => [c.page, c.starts, c.dossierId, c.documentId])).toEqual([
      [0, 'dossier', 'A', undefined],
      [1, 'document', 'A', 'TTR-08'],
      [3, 'document', 'A', 'D-002'],
      [5, 'document', 'A', undefined],
      [6, 'document', 'A', 'D-003'],
    ]);
  });

  it('keeps the pages after an empty document sheet in that sheet\'s dossier, and after a separator in the receipt\'s', () => {
    const sep: PageCode[] = [{ text: 'PATCHT', format: 'Code128', valid: true }];
    // Dossier B's sheet, then its first document's sheet with no page: the separator's pages are still B's.
    const empty = planSplit([dossierSheet('A'), page, dossierSheet('B'), documentSheet('B', 'D1'), sep, page]);
    expect(shape(empty)).toEqual([{ id: 'A', documents: [['D-001', 1]] }, { id: 'B', documents: [['D-001', 5]] }]);
    expect(reviewOf(empty)).toEqual(['page 4: the cover sheet of D1 is followed by no page (the next sheet is page 5)']);
    expect(empty.cuts.map((c) => [c.page, c.starts, c.dossierId, c.documentId])).toEqual([
      [0, 'dossier', 'A', undefined],
      [2, 'dossier', 'B', undefined],
      [3, 'document', 'B', undefined],
      [4, 'document', 'B', 'D-001'],
    ]);
    // A separator, then a receipt: the separator's document is the receipt's dossier's first, kept or not.
    const receipt = [qr(JSON.stringify({ maHoSo: 'H05-0009' }))];
    for (const keepSeparator of [false, true]) {
      const plan = planSplit([dossierSheet('A'), page, sep, receipt, page], { keepSeparator });
      expect(shape(plan)).toEqual([{ id: 'A', documents: [['D-001', 1]] }, { id: 'H05-0009', documents: [keepSeparator ? ['D-001', 2, 3, 4] : ['D-001', 3, 4]] }]);
      expect(plan.cuts.map((c) => [c.page, c.rule, c.dossierId, c.documentId])).toEqual([
        [0, 'cover-sheet', 'A', undefined],
        [2, 'separator', 'H05-0009', 'D-001'],
        [3, 'circular-01-2023', 'H05-0009', undefined],
      ]);
      expect(reviewOf(plan)).toEqual([]);
    }
  });

  it('never gives a separator\'s document an id a cover sheet has, and suffixes a document sheet scanned twice', () => {
    const sep: PageCode[] = [{ text: 'PATCHT', format: 'Code128', valid: true }];
    const plan = planSplit([dossierSheet('A'), documentSheet('A', 'D-002'), page, sep, page, documentSheet('A', 'D-002'), page]);
    expect(shape(plan)).toEqual([{ id: 'A', documents: [['D-002', 2], ['D-003', 4], ['D-002-2', 6]] }]);
    expect(reviewOf(plan)).toEqual(['document D-002 of A has a second cover sheet; its pages are document D-002-2: check whether they belong together']);
    expect(new Set(plan.dossiers[0]!.documents.map((d) => d.id)).size).toBe(3);
  });

  it('never takes a QR with dossier fields for a separator, however loose the pattern, and keeps the receipt page', () => {
    const receipt = [qr(JSON.stringify({ maHoSo: 'H05-0009', soGiayTo: '001099012345' }))];
    const plan = planSplit([[{ text: 'ASN-1', format: 'Code39', valid: true }], page, receipt, page], { separator: /.*/ });
    expect(shape(plan)).toEqual([{ id: 'stack-p1', documents: [['D-001', 1]] }, { id: 'H05-0009', documents: [['D-001', 2, 3]] }]);
    expect(plan.cuts.map((c) => [c.rule, c.value])).toEqual([['separator', 'ASN-1'], ['circular-01-2023', 'H05-0009']]);
    expect(JSON.stringify(plan)).not.toContain('001099012345');
  });

  it('words its doubts with the file\'s page numbers when the stack was collated', () => {
    const sep: PageCode[] = [{ text: 'PATCHT', format: 'Code128', valid: true }];
    // Positions 0..3 are file pages 1, 4, 2, 3 (two sheets scanned fronts first, backs reversed).
    const plan = planSplit([sep, sep, page, page], {}, [1, 4, 2, 3]);
    expect(shape(plan)).toEqual([{ id: 'stack-p1', documents: [['D-001', 2, 3]] }]);
    expect(plan.review.map((d) => d.reason)).toEqual(['a separator sheet is followed by no page (the next sheet is page 4)']);
  });

  it('leaves blank backs out with dropBlankPages, listed, without counting them as the page after a sheet', () => {
    const blank = { codes: [], blank: true };
    const text = { codes: [], blank: false };
    const stack = [{ codes: dossierSheet('A'), blank: false }, blank, text, blank, { codes: dossierSheet('B') }, blank, { codes: dossierSheet('C') }, text];
    const dropped = planSplit(stack, { dropBlankPages: true });
    expect(shape(dropped)).toEqual([{ id: 'A', documents: [['D-001', 2]] }, { id: 'C', documents: [['D-001', 7]] }]);
    expect(dropped.blankPagesDropped).toEqual([1, 3, 5]);
    expect(reviewOf(dropped)).toEqual(['page 5: the cover sheet of B is followed by no page (the next sheet is page 7)']);
    // Kept, a blank page alone in a document is a doubt; a blank page among others is not.
    const kept = planSplit(stack);
    expect(shape(kept)).toEqual([{ id: 'A', documents: [['D-001', 1, 2, 3]] }, { id: 'B', documents: [['D-001', 5]] }, { id: 'C', documents: [['D-001', 7]] }]);
    expect(reviewOf(kept)).toEqual(['page 6: document D-001 of B is one blank page (the back of a sheet, or a page that did not feed?): check it']);
  });
});

describe('duplexReadingOrder', () => {
  it('interleaves the fronts with the backs of a reversed second pass, and refuses an odd page count', () => {
    expect(duplexReadingOrder(6, 'odd-then-reversed-even')).toEqual([0, 5, 1, 4, 2, 3]);
    expect(duplexReadingOrder(3, 'none')).toEqual([0, 1, 2]);
    expect(duplexReadingOrder(5, 'odd-then-reversed-even')).toBeUndefined();
  });
});
