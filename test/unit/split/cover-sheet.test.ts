// The cover sheet's QR payload and the list sheets are printed from: round trips, and mistakes named, never guessed.
import { describe, expect, it } from 'vitest';
import { encodeCoverSheet, parseCoverSheet, type CoverSheet } from '../../../src/split/cover-sheet.ts';
import { parseSheetListCsv, parseSheetListJson } from '../../../src/split/cover-sheet-list.ts';

describe('the cover sheet payload', () => {
  it('round-trips a dossier sheet and a document sheet, Vietnamese and reserved characters included', () => {
    const sheets: CoverSheet[] = [
      { dossierCode: '000.00.16.H05-240305-0001', dossierKind: 'component', title: 'Hồ sơ đề nghị tặng danh hiệu & khen thưởng = 100%?' },
      { dossierCode: '000.00.16.H05-240305-0001', documentId: 'TTR-08', documentType: 'Tờ trình', title: 'Tờ trình số 08/TTr-PNV' },
    ];
    for (const sheet of sheets) {
      const text = encodeCoverSheet(sheet);
      expect(text).toMatch(/^SOHOA1\?[\x21-\x7e]+$/);
      expect(parseCoverSheet(text)).toEqual({ sheet });
    }
  });

  it('is no cover sheet without its marker, and a problem (never a cut) when it cannot be read whole', () => {
    expect(parseCoverSheet('https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=H05.22-240305-0001')).toBeUndefined();
    expect(parseCoverSheet('PATCHT')).toBeUndefined();
    expect(parseCoverSheet('SOHOA1?tl=No%20code')).toEqual({ problem: expect.stringMatching(/no dossier code/) });
    expect(parseCoverSheet('SOHOA1?hs=A&hs=B')).toEqual({ problem: expect.stringMatching(/hs twice/) });
    expect(parseCoverSheet('SOHOA1?hs=A&zz=1')).toEqual({ problem: expect.stringMatching(/does not know/) });
    // A stranger's item is never echoed beyond a short key: it may hold anyone's data.
    expect(JSON.stringify(parseCoverSheet('SOHOA1?hs=A&001099012345=Nguyen'))).not.toMatch(/001099012345|Nguyen/);
    expect(parseCoverSheet('SOHOA1?hs=%E1%BB')).toEqual({ problem: expect.stringMatching(/broken escape/) });
    expect(parseCoverSheet('SOHOA1?hs=A&k=other')).toEqual({ problem: expect.stringMatching(/component or result/) });
  });
});

describe('the cover sheet list', () => {
  it('reads CSV rows per document into a dossier sheet followed by its documents', () => {
    const csv = 'code,title,kind,document,documentTitle,documentType\nHS-1,Hồ sơ một,component,TTR-08,Tờ trình,Tờ trình\nHS-1,,,CV-125,Công văn,Công văn\nHS-2,"Kết quả, hai",result,,,\n';
    const { sheets, problems } = parseSheetListCsv(csv);
    expect(problems).toEqual([]);
    expect(sheets).toEqual([
      { dossierCode: 'HS-1', dossierKind: 'component', title: 'Hồ sơ một' },
      { dossierCode: 'HS-1', documentId: 'TTR-08', documentType: 'Tờ trình', title: 'Tờ trình' },
      { dossierCode: 'HS-1', documentId: 'CV-125', documentType: 'Công văn', title: 'Công văn' },
      { dossierCode: 'HS-2', dossierKind: 'result', title: 'Kết quả, hai' },
    ]);
  });

  it('reads the same list as JSON, and names every mistake with its place', () => {
    expect(parseSheetListJson(JSON.stringify({ dossiers: [{ code: 'HS-1', documents: [{ id: 'D-1' }] }] })).sheets).toEqual([{ dossierCode: 'HS-1' }, { dossierCode: 'HS-1', documentId: 'D-1' }]);
    const bad = parseSheetListJson(JSON.stringify([{ code: '' }, { code: 'HS-2', kind: 'other', documents: [{ id: 'văn bản 1' }, { id: 'D' }, { id: 'D' }] }, { code: 'HS-2' }]));
    expect(bad.problems).toEqual([
      'dossiers[0]: no dossier code; give each dossier its code (mã hồ sơ)',
      'dossiers[1]: kind "other"; expected component or result',
      'dossiers[1].documents[0]: document id "văn bản 1" must be letters, digits, ".", "_" or "-" (it names the output files)',
      'dossiers[1].documents[2]: document D is listed twice in dossier HS-2',
      'dossiers[2]: the dossier code HS-2 is listed twice; one sheet per dossier',
    ]);
    expect(parseSheetListCsv('title\nno code column\n').problems).toEqual([expect.stringMatching(/^row 1: expected a header with a "code" column/)]);
    expect(parseSheetListJson('{ nope').problems).toEqual([expect.stringMatching(/^not valid JSON/)]);
  });
});
