// Manifest parsing: both formats give the same plan, and every mistake names its row or path, field and value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkFilePath,
  compareNatural,
  formatProblem,
  locateJsonError,
  ManifestError,
  manifestCsvColumns,
  manifestJsonKeys,
  parseManifestCsv,
  parseManifestJson,
  parsePageSelection,
  planFromFolders,
} from '../../../src/domain/manifest.ts';
import type { ManifestPlan } from '../../../src/domain/manifest.ts';
import { InputError } from '../../../src/domain/errors.ts';

const jsonManifest = {
  batchId: 'samples-2024-03',
  dossiers: [
    {
      id: 'HS-001',
      code: '000.00.16.H05-240305-0001',
      title: 'Hồ sơ cấp giấy phép xây dựng',
      kind: 'component',
      metadata: { procedureCode: '1.000466', agencyCode: '000.00.16.H05', retention: 'VINH_VIEN' },
      documents: [
        {
          id: 'QD-15',
          title: 'Quyết định số 15',
          metadata: { documentType: 'Quyết định', number: '15/QĐ-UBND', issueDate: '2024-03-05' },
          files: ['HS-001/qd-15-p1.png', { file: 'HS-001/tb-02.tif', pages: [1, 2] }],
        },
        { id: 'TB-02', files: [{ file: 'HS-001/tb-02.tif', pages: '3' }] },
      ],
    },
    {
      code: '000.00.16.H05-240305-0002',
      kind: 'result',
      documents: [{ title: 'Giấy phép', files: ['HS-002/gp.jpg'] }],
    },
  ],
};

const csvManifest = [
  'dossier_id,dossier_code,dossier_title,kind,document_id,document_title,file,pages,dossier.procedureCode,dossier.agencyCode,dossier.retention,document.documentType,document.number,document.issueDate',
  'HS-001,000.00.16.H05-240305-0001,Hồ sơ cấp giấy phép xây dựng,component,QD-15,Quyết định số 15,HS-001/qd-15-p1.png,,1.000466,000.00.16.H05,VINH_VIEN,Quyết định,15/QĐ-UBND,2024-03-05',
  'HS-001,,,,QD-15,,HS-001/tb-02.tif,1-2,,,,,,',
  'HS-001,,,,TB-02,,HS-001/tb-02.tif,3,,,,,,',
  ',000.00.16.H05-240305-0002,,result,,Giấy phép,HS-002/gp.jpg,,,,,,,',
].join('\r\n');

function messages(plan: ManifestPlan, file: string): string[] {
  return plan.problems.map((p) => formatProblem(file, p));
}

describe('parseManifestJson and parseManifestCsv', () => {
  it('give the same plan for the same batch', () => {
    const fromJson = parseManifestJson(JSON.stringify(jsonManifest, null, 2));
    const fromCsv = parseManifestCsv(`\uFEFF${csvManifest}`);
    expect(fromJson.problems).toEqual([]);
    expect(fromCsv.problems).toEqual([]);
    expect(fromCsv.dossiers).toEqual(fromJson.dossiers);
    expect(fromJson.batchId).toBe('samples-2024-03');
    expect(fromJson.dossiers[0]?.documents[0]).toEqual({
      id: 'QD-15',
      title: 'Quyết định số 15',
      // The combined number is stored as its two parts.
      metadata: { documentType: 'Quyết định', number: '15', symbol: 'QĐ-UBND', issueDate: '2024-03-05' },
      sources: [{ file: 'HS-001/qd-15-p1.png' }, { file: 'HS-001/tb-02.tif', pages: [1, 2] }],
    });
    // Ids left out are derived: from the code for a dossier, from the title for a document.
    expect(fromJson.dossiers[1]).toMatchObject({ id: '000.00.16.H05-240305-0002', kind: 'result', documents: [{ id: 'Giay-phep' }] });
    expect(fromJson.warnings).toEqual([]);
  });

  it('keep the place of each file reference for later checks on disk', () => {
    const json = parseManifestJson(JSON.stringify(jsonManifest));
    expect(json.references[1]).toEqual({ file: 'HS-001/tb-02.tif', where: 'dossiers[0].documents[0]', field: 'files[1].file' });
    const csv = parseManifestCsv(csvManifest);
    expect(csv.references[1]).toEqual({ file: 'HS-001/tb-02.tif', where: 'row 3', row: 3, field: 'file' });
  });
});

describe('parseManifestJson mistakes', () => {
  it('reports a syntax error with its line and column', () => {
    const plan = parseManifestJson('{\n  "dossiers": [\n    { "id" "HS-001" }\n  ]\n}');
    expect(messages(plan, 'manifest.json')).toEqual([
      `manifest.json: line 3, column 12: not valid JSON: expected ':' after the key`,
    ]);
  });

  it('collects every mistake with its path, field and received value', () => {
    const plan = parseManifestJson(
      JSON.stringify({
        batchId: 'lô 3',
        dossiers: [
          {
            id: 'HS-001',
            titel: 'typo',
            kind: 'ketqua',
            metadata: { procedureCode: 1.000466, signed: true },
            documents: [
              {
                id: 'QD-15',
                files: ['../outside.png', '/etc/passwd.png', 'HS-001/ghi-chu.docx', { file: 'HS-001/tb.tif', pages: '1-x' }, 'HS-001\\p1.png'],
              },
              { id: 'qd-15', files: [{ file: 'HS-001/tb.tif', pages: [0] }] },
            ],
          },
          { id: 'HS-001', documents: [] },
        ],
      }),
    );
    expect(messages(plan, 'manifest.json')).toEqual([
      'manifest.json: batchId: expected an id of letters, digits, ".", "_" or "-" (e.g. "HS-001") but received "lô 3"; write "lo-3"',
      'manifest.json: dossiers[0].titel: unknown key "titel"; did you mean "title"? Expected one of: id, code, title, kind, metadata, documents',
      'manifest.json: dossiers[0].kind: expected "component" or "result" but received "ketqua" (string)',
      'manifest.json: dossiers[0].documents[0].files[0]: expected a path inside the batch folder but received "../outside.png" (string), which leads out of it; copy the file into the batch',
      'manifest.json: dossiers[0].documents[0].files[1]: expected a path relative to the batch folder, like "HS-001/p1.png", but received the absolute path "/etc/passwd.png" (string)',
      'manifest.json: dossiers[0].documents[0].files[2]: expected a JPEG, PNG, WebP or TIFF file (.jpg, .jpeg, .png, .webp, .tif, .tiff) but received "HS-001/ghi-chu.docx" (string)',
      'manifest.json: dossiers[0].documents[0].files[3].pages: expected page numbers like "1-3,5" but received "1-x"',
      'manifest.json: dossiers[0].documents[0].files[4]: expected forward slashes between folders but received "HS-001\\\\p1.png" (string); write "HS-001/p1.png"',
      'manifest.json: dossiers[0].documents[1].files[0].pages: expected 1-based page numbers like [1, 2] or "1-3,5" but received [0] (array)',
      'manifest.json: dossiers[0].metadata.signed: expected a text value (or a number) but received true (boolean)',
      'manifest.json: dossiers[1].documents: expected a non-empty array of documents but received [] (array)',
      'manifest.json: dossiers[1].id: duplicate dossier id "HS-001" (also used at dossiers[0]); give each its own id',
      'manifest.json: dossiers[0].documents[1].id: duplicate document id "qd-15" in dossier "HS-001" (also used at dossiers[0].documents[0], ids differing only in case count as the same); give each its own id',
    ]);
  });

  it('keeps custom x- metadata keys as text and turns numbers into text', () => {
    const plan = parseManifestJson(JSON.stringify({ dossiers: [{ metadata: { 'x-soTo': 12, 'x-ghiChu': ' hộp  3 ', retention: 20 }, documents: [{ files: ['a.png'] }] }] }));
    expect(plan.problems).toEqual([]);
    expect(plan.dossiers[0]).toMatchObject({ id: 'dossier-01', metadata: { 'x-soTo': '12', 'x-ghiChu': 'hộp 3', retention: '20' }, documents: [{ id: 'document-01' }] });
  });

  it('warns, without failing, when two documents use the same pages of a file', () => {
    const plan = parseManifestJson(
      JSON.stringify({
        dossiers: [
          {
            id: 'HS-001',
            documents: [
              { id: 'A', files: [{ file: 'scan.tif', pages: [1, 2] }] },
              { id: 'B', files: [{ file: 'scan.tif', pages: [3] }] },
              { id: 'C', files: ['scan.tif'] },
            ],
          },
        ],
      }),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([
      'manifest.json: dossiers[0].documents[2].files[0]: "scan.tif" is also used by dossier "HS-001" document "A"; its pages will appear in both',
    ]);
  });

  it('makes derived ids unique without touching explicit ones', () => {
    const plan = parseManifestJson(
      JSON.stringify({ dossiers: [{ title: 'Hồ sơ A', documents: [{ files: ['a.png'] }] }, { id: 'Ho-so-A', documents: [{ files: ['b.png'] }] }] }),
    );
    expect(plan.dossiers.map((d) => d.id)).toEqual(['Ho-so-A-2', 'Ho-so-A']);
  });
});

describe('parseManifestCsv mistakes', () => {
  it('names the spreadsheet row, the column and the value', () => {
    const csv = [
      'dossier_id,dossier_code,dossier_title,kind,document_id,file,pages',
      'HS-001,G09.20-20260609-0092637,Hồ sơ một,component,QD-15,HS-001/a.png,',
      'HS-001,G09.20-20260609-0092637,Hồ sơ khác,,QD-15,HS-001/b.tif,1-x',
      '',
      'HS-002,,,,TB 02,HS-001/c.bmp,',
      '"HS-003",,,,,"../../etc/x.png",',
    ].join('\n');
    expect(messages(parseManifestCsv(csv), 'manifest.csv')).toEqual([
      'manifest.csv row 3, field "dossier_title": expected the same value as row 2 for this dossier ("Hồ sơ một") but received "Hồ sơ khác"; make the rows agree or leave the cell empty',
      'manifest.csv row 3, field "pages": expected page numbers like "1-3,5" but received "1-x"',
      'manifest.csv row 5, field "document_id": expected an id of letters, digits, ".", "_" or "-" (e.g. "HS-001") but received "TB 02"; write "TB-02"',
      'manifest.csv row 5, field "file": expected a JPEG, PNG, WebP or TIFF file (.jpg, .jpeg, .png, .webp, .tif, .tiff) but received "HS-001/c.bmp"',
      'manifest.csv row 6, field "file": expected a path inside the batch folder but received "../../etc/x.png", which leads out of it; copy the file into the batch',
    ]);
  });

  it('counts a quoted cell spanning lines as one row, as a spreadsheet does', () => {
    const csv = 'dossier_id,document_title,file\nHS-001,"Quyết định\nsố 15",a.png\nHS-001,,b.gif\n';
    expect(messages(parseManifestCsv(csv), 'manifest.csv')).toEqual([
      'manifest.csv row 3, field "file": expected a JPEG, PNG, WebP or TIFF file (.jpg, .jpeg, .png, .webp, .tif, .tiff) but received "b.gif"',
    ]);
  });

  it('rejects unknown and missing columns in the header row', () => {
    const plan = parseManifestCsv('dossier_id,documnet_id,page\nHS-001,A,1\n');
    expect(messages(plan, 'manifest.csv')).toEqual([
      'manifest.csv row 1, field "documnet_id": unknown column "documnet_id"; did you mean "document_id"? Expected one of dossier_id, dossier_code, dossier_title, kind, document_id, document_title, file, pages, or dossier.<key> / document.<key> for metadata',
      'manifest.csv row 1, field "page": unknown column "page"; did you mean "pages"? Expected one of dossier_id, dossier_code, dossier_title, kind, document_id, document_title, file, pages, or dossier.<key> / document.<key> for metadata',
      'manifest.csv row 1, field "file": expected a column named "file" but the header has "dossier_id", "documnet_id", "page"',
    ]);
  });

  it('reports broken quoting with its line', () => {
    const plan = parseManifestCsv('dossier_id,file\nHS-001,"a.png\n');
    expect(messages(plan, 'manifest.csv')[0]).toMatch(/^manifest\.csv: line 2: not valid CSV \(.*opening quote.*\); wrap cells holding commas/);
  });

  it('groups rows by dossier code when the id is left out, and a dossier-less CSV is one dossier', () => {
    const byCode = parseManifestCsv('dossier_code,document_id,file\nG09.20-260609-01,A,a.png\nG09.20-260609-02,A,b.png\nG09.20-260609-01,A,c.png\n');
    expect(byCode.problems).toEqual([]);
    expect(byCode.dossiers.map((d) => [d.id, d.documents.map((doc) => doc.sources.map((s) => s.file))])).toEqual([
      ['G09.20-260609-01', [['a.png', 'c.png']]],
      ['G09.20-260609-02', [['b.png']]],
    ]);
    const single = parseManifestCsv('document_title,file\nĐơn đề nghị,a.png\nĐơn đề nghị,b.png\n,c.png\n');
    expect(single.dossiers).toHaveLength(1);
    expect(single.dossiers[0]?.documents.map((d) => d.id)).toEqual(['Don-de-nghi', 'document-02']);
  });
});

describe('manifest metadata', () => {
  const dateForm = 'expected a date as dd/mm/yyyy or yyyy-mm-dd, e.g. "05/03/2024" or "2024-03-05"';
  const procedureForm = 'expected a procedure (TTHC) code of one digit, a dot and six digits, e.g. "1.000466"';
  const cccdForm =
    'expected a 12-digit personal ID number (CCCD): a province code of the official list 001–096, a century/sex digit, two birth-year digits and six more digits, e.g. "001099012345"';
  const dossierKeys = 'procedureCode, agencyCode, ownerId, ownerIdKind, ownerName, retention, accessLevel, language, startDate, endDate, or a custom key starting with "x-"';

  it('stores values normalised: ISO dates, retention, marks, and a combined number split into number and symbol', () => {
    const plan = parseManifestJson(
      JSON.stringify({
        dossiers: [
          {
            code: ' G09.20-20260609-0092637 ',
            metadata: { procedureCode: '2.001178', ownerId: '001 099 012345', retention: '20 năm', accessLevel: 'Công khai', startDate: '05/03/2024', endDate: '2024-03-12' },
            documents: [{ metadata: { number: '12/2024/QĐ-UBND', symbol: 'QĐ-UBND', issueDate: '15/01/2024', urgency: 'HỎA TỐC', signingCapacity: 'KT.' }, files: ['a.png'] }],
          },
        ],
      }),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.dossiers[0]).toMatchObject({
      code: 'G09.20-20260609-0092637',
      metadata: { procedureCode: '2.001178', ownerId: '001099012345', retention: '20', accessLevel: 'public', startDate: '2024-03-05', endDate: '2024-03-12' },
      documents: [{ metadata: { number: '12/2024', symbol: 'QĐ-UBND', issueDate: '2024-01-15', urgency: 'hoa-toc', signingCapacity: 'KT' } }],
    });
  });

  it('names the path, the field, the value and the expected form of every mistake in manifest.json', () => {
    const plan = parseManifestJson(
      JSON.stringify({
        dossiers: [
          {
            code: '000.00.16.H05-240231-0001',
            metadata: { procedureCode: '1.466', ownerId: '099099012345', retention: 'mãi mãi', startDate: '2024-03-05', endDate: '01/03/2024', procedurecode: '1.000466', title: 'x', pageCount: 3 },
            documents: [
              {
                metadata: { number: '15/QĐ-UBND', symbol: 'QĐ-BNV', issueDate: '29/02/2023', issuedAt: '2024-03-05T09:00', documentType: 'Quyết định cá biệt', retention: '20' },
                files: ['a.png'],
              },
            ],
          },
        ],
      }),
    );
    expect(messages(plan, 'manifest.json')).toEqual([
      'manifest.json: dossiers[0].code: expected a dossier code: the receiving agency identifier, "-", the receipt date as yymmdd or yyyymmdd, "-" and the sequence number, e.g. "000.00.16.H05-240305-0001" or "G09.20-20260609-0092637" but received "000.00.16.H05-240231-0001" (string); its date part "240231" is not a real date',
      'manifest.json: dossiers[0].documents[0].metadata.symbol: expected the symbol "QĐ-UBND", as "number" gives it, but received "QĐ-BNV" (string); give the symbol in one place',
      `manifest.json: dossiers[0].documents[0].metadata.issueDate: ${dateForm} but received "29/02/2023" (string); that day does not exist`,
      'manifest.json: dossiers[0].documents[0].metadata.issuedAt: "issuedAt" is read from the QR code printed on the paper (Circular 01/2023), not given in a manifest; remove it, or keep the value under a custom key such as "x-issuedAt"',
      'manifest.json: dossiers[0].documents[0].metadata.retention: "retention" is a dossier field, not a document field; give it with the dossier',
      `manifest.json: dossiers[0].metadata.procedureCode: ${procedureForm} but received "1.466" (string)`,
      `manifest.json: dossiers[0].metadata.ownerId: ${cccdForm} but received "*********345" (string); its first three digits are not a province code of the official list`,
      'manifest.json: dossiers[0].metadata.retention: expected "VINH_VIEN" (vĩnh viễn, permanent) or a whole number of years from 1 to 100, e.g. "20" or "20 năm" but received "mãi mãi" (string)',
      `manifest.json: dossiers[0].metadata.procedurecode: unknown key "procedurecode"; did you mean "procedureCode"? Expected one of: ${dossierKeys}`,
      'manifest.json: dossiers[0].metadata.title: "title" is not metadata but the dossier\'s own key: give it as "title" in manifest.json or in the "dossier_title" column of manifest.csv',
      'manifest.json: dossiers[0].metadata.pageCount: "pageCount" is counted by sohoa and cannot be given; remove it',
      'manifest.json: dossiers[0].metadata.endDate: expected a date on or after the startDate (2024-03-05) but received "01/03/2024" (string)',
    ]);
    expect(plan.warnings).toEqual([
      'manifest.json: dossiers[0].documents[0].metadata.documentType: "Quyết định cá biệt" is not a document type of Decree 30/2020 Art. 7 nor a known result type; it is kept as given, check its spelling (e.g. "Quyết định", "Công văn", "Giấy phép")',
    ]);
    expect(plan.problems.every((p) => !p.message.includes('099099012345'))).toBe(true);
  });

  it('refuses an ID number written as a JSON number, which has lost its leading zeros', () => {
    const plan = parseManifestJson(JSON.stringify({ dossiers: [{ metadata: { ownerId: 1099012345 }, documents: [{ files: ['a.png'] }] }] }));
    expect(messages(plan, 'manifest.json')).toEqual([
      'manifest.json: dossiers[0].metadata.ownerId: expected the value as text in double quotes, since a number loses its leading zeros, but received a number',
    ]);
  });

  it('names the row, the column, the value and the expected form in manifest.csv, once per dossier, ID numbers masked', () => {
    const csv = [
      'dossier_id,file,dossier.procedureCode,dossier.ownerId,dossier.ownerIdKind,document.number,document.issueDate,dossier.retention,dossier.retension,dossier.title',
      'HS-001,a.png,1.000466,001099012345,cmnd,08/TTr-PNV,29/02/2023,20 năm,,',
      'HS-001,b.png,1.000466,001099012346,,,,20,,',
      'HS-002,c.png,1.466,,,15/qđ-ubnd,31/02/2024,vĩnh viễn,,',
      'HS-002,d.png,1.466,,,,,,,',
    ].join('\n');
    const plan = parseManifestCsv(csv);
    expect(messages(plan, 'manifest.csv')).toEqual([
      `manifest.csv row 1, field "dossier.retension": unknown key "retension"; did you mean "retention"? Expected one of: ${dossierKeys}`,
      'manifest.csv row 1, field "dossier.title": "title" is not metadata but the dossier\'s own key: give it as "title" in manifest.json or in the "dossier_title" column of manifest.csv',
      `manifest.csv row 2, field "document.issueDate": ${dateForm} but received "29/02/2023"; that day does not exist`,
      'manifest.csv row 3, field "dossier.ownerId": expected the same value as row 2 for this dossier ("*********345") but received "*********346"; make the rows agree or leave the cell empty',
      `manifest.csv row 4, field "dossier.procedureCode": ${procedureForm} but received "1.466"`,
      'manifest.csv row 4, field "document.number": expected a document number such as "15" (or "12/2024" for a legal normative document), optionally followed by "/" and the symbol, e.g. "15/QĐ-UBND" but received "15/qđ-ubnd"; the part after the number, "qđ-ubnd", is not a symbol like "QĐ-UBND"',
      `manifest.csv row 4, field "document.issueDate": ${dateForm} but received "31/02/2024"; that day does not exist`,
      'manifest.csv row 2, field "dossier.ownerId": expected a 9-digit ID card number (CMND), e.g. "012345678", as ownerIdKind is "cmnd" but received "*********345"',
    ]);
    // "20 năm" and "20" are the same retention, so rows 2 and 3 agree.
    expect(plan.dossiers[0]?.metadata).toEqual({ procedureCode: '1.000466', ownerId: '001099012345', ownerIdKind: 'cmnd', retention: '20' });
    expect(plan.dossiers[0]?.documents[0]?.metadata).toEqual({ number: '08', symbol: 'TTr-PNV' });
  });

  it('checks dossier codes in manifest.csv and warns once about an unknown document type', () => {
    const csv = [
      'dossier_code,document_id,file,document.documentType',
      '000.00.16.H05-20240230-0001,A,a.png,Sổ hộ tịch',
      '000.00.16.H05-20240230-0001,A,b.png,Sổ hộ tịch',
    ].join('\n');
    const plan = parseManifestCsv(csv);
    expect(messages(plan, 'manifest.csv')).toEqual([
      'manifest.csv row 2, field "dossier_code": expected a dossier code: the receiving agency identifier, "-", the receipt date as yymmdd or yyyymmdd, "-" and the sequence number, e.g. "000.00.16.H05-240305-0001" or "G09.20-20260609-0092637" but received "000.00.16.H05-20240230-0001"; its date part "20240230" is not a real date',
    ]);
    expect(plan.warnings).toEqual([expect.stringMatching(/^manifest\.csv row 2, field "document\.documentType": "Sổ hộ tịch" is not a document type/)]);
  });
});

describe('locateJsonError', () => {
  it('finds the spot of common slips', () => {
    expect(locateJsonError('{"a": [1, 2,]}')).toEqual({ line: 1, column: 13, reason: 'expected a value; remove the extra comma' });
    expect(locateJsonError('{"a": 1,\n}')).toEqual({ line: 2, column: 1, reason: 'a comma before "}" is not allowed' });
    expect(locateJsonError('{"file": "HS-001\\p1.png"}')).toMatchObject({ line: 1, column: 17 });
    expect(locateJsonError("{'a': 1}")).toMatchObject({ column: 2, reason: 'expected a double-quoted key' });
    expect(locateJsonError('{"a": 1} x')).toMatchObject({ column: 10, reason: 'unexpected text after the end of the manifest' });
    expect(locateJsonError('{"a": ')).toMatchObject({ column: 7, reason: 'the text ends where a value was expected' });
  });
});

describe('ManifestError', () => {
  it('is an InputError listing every problem, one per line', () => {
    const plan = parseManifestCsv('dossier_id,file,pages\nHS-001,a.png,0\nHS-001,b.png,3-1\n');
    const error = new ManifestError('manifest.csv', plan.problems);
    expect(error).toBeInstanceOf(InputError);
    expect(error.problems).toHaveLength(2);
    expect(error.message.split('\n')).toEqual([
      'manifest.csv row 2, field "pages": expected page numbers like "1-3,5" (pages count from 1) but received "0"',
      'manifest.csv row 3, field "pages": expected page numbers like "1-3,5" (ranges go from low to high) but received "3-1"',
    ]);
    expect(error.location).toEqual({ file: 'manifest.csv', row: 2, field: 'pages' });
    expect(error.code).toBe('MANIFEST_INVALID');
  });

  it('takes the code its problems share, and the general one when they differ', () => {
    const missing = { where: 'row 2', row: 2, field: 'file', message: 'not found', code: 'MANIFEST_FILE_MISSING' as const };
    expect(new ManifestError('manifest.csv', [missing, { ...missing, row: 3 }]).code).toBe('MANIFEST_FILE_MISSING');
    expect(new ManifestError('manifest.csv', [missing, { where: 'row 4', row: 4, field: 'pages', message: 'bad' }]).code).toBe('MANIFEST_INVALID');
  });
});

describe('small checks', () => {
  it('parsePageSelection keeps the order given and refuses repeats', () => {
    expect(parsePageSelection('1-3, 5')).toEqual({ pages: [1, 2, 3, 5] });
    expect(parsePageSelection('4,2')).toEqual({ pages: [4, 2] });
    expect(parsePageSelection('1-2,2')).toEqual({ error: 'expected each page once but page 2 is listed twice' });
    expect(parsePageSelection('1-100000')).toHaveProperty('error');
  });

  it('checkFilePath normalizes to NFC and folds inner ".."', () => {
    expect(checkFilePath('HS-001/Quye\u0302\u0301t-\u0111i\u0323nh.PNG')).toEqual({ file: 'HS-001/Quyết-định.PNG' });
    expect(checkFilePath('HS-001/x/../p1.tif')).toEqual({ file: 'HS-001/p1.tif' });
    expect(checkFilePath('C:/scans/p1.png')).toHaveProperty('error');
    expect(checkFilePath('scan.pdf')).toEqual({ file: 'scan.pdf' });
  });

  it('compareNatural puts p2 before p10', () => {
    expect(['p10.png', 'p2.png', 'p1.png', 'P3.png'].sort(compareNatural)).toEqual(['p1.png', 'p2.png', 'P3.png', 'p10.png']);
  });
});

describe('planFromFolders', () => {
  it('makes one dossier per folder and one document per page file, in natural order', () => {
    const { dossiers, warnings } = planFromFolders('Lô tháng 3', [
      { folder: '', files: ['bia.jpg', 'notes.txt'] },
      { folder: 'Hồ sơ 10', files: ['p10.png', 'p2.png', '.DS_Store', 'Thumbs.db', 'p1.tiff', 'don.pdf'] },
      { folder: 'Hồ sơ 9', files: ['a.png'] },
      { folder: '.trash', files: ['x.png'] },
      { folder: 'empty', files: ['readme.md'] },
    ]);
    expect(dossiers.map((d) => [d.id, d.title, d.kind, d.documents.map((doc) => [doc.id, doc.sources[0]?.file])])).toEqual([
      ['Lo-thang-3', 'Lô tháng 3', 'component', [['bia', 'bia.jpg']]],
      ['Ho-so-9', 'Hồ sơ 9', 'component', [['a', 'Hồ sơ 9/a.png']]],
      [
        'Ho-so-10',
        'Hồ sơ 10',
        'component',
        [
          ['don', 'Hồ sơ 10/don.pdf'],
          ['p1', 'Hồ sơ 10/p1.tiff'],
          ['p2', 'Hồ sơ 10/p2.png'],
          ['p10', 'Hồ sơ 10/p10.png'],
        ],
      ],
    ]);
    expect(warnings).toEqual(['ignored 2 files that are not page images (JPEG, PNG, WebP or TIFF): "notes.txt", "empty/readme.md"']);
  });
});

describe('manifest.json stacks', () => {
  it('marks files as scanned stacks for the split stage, with or without dossiers of its own', () => {
    const only = parseManifestJson(JSON.stringify({ stacks: ['stack-01.pdf', 'sub/stack-02.tif'] }));
    expect(only.problems).toEqual([]);
    expect(only.dossiers).toEqual([]);
    expect(only.stacks).toEqual(['stack-01.pdf', 'sub/stack-02.tif']);
    expect(only.references.map((r) => [r.file, r.field])).toEqual([['stack-01.pdf', 'stacks[0]'], ['sub/stack-02.tif', 'stacks[1]']]);
    const both = parseManifestJson(JSON.stringify({ ...jsonManifest, stacks: ['stack-01.pdf'] }));
    expect(both.problems).toEqual([]);
    expect(both.dossiers.length).toBe(jsonManifest.dossiers.length);
    expect(both.stacks).toEqual(['stack-01.pdf']);
  });

  it('refuses a stack named twice, a stack that is also a document file, and stacks that are not paths', () => {
    const messages = (manifest: unknown) => parseManifestJson(JSON.stringify(manifest)).problems.map((p) => `${p.field}: ${p.message}`);
    expect(messages({ stacks: ['a.pdf', 'A.pdf'] })).toEqual(['stacks[1]: A.pdf is named twice in stacks']);
    expect(messages({ ...jsonManifest, stacks: ['HS-001/qd-15-p1.png'] })).toEqual(['stacks[0]: HS-001/qd-15-p1.png is both a stack to split and a file of a document; name it in one place only']);
    expect(messages({ stacks: [] })[0]).toMatch(/^stacks: expected a non-empty array of file paths/);
    expect(messages({ stacks: ['/etc/passwd'] })[0]).toMatch(/^stacks\[0\]: expected a path relative to the batch folder/);
    expect(messages({})[0]).toMatch(/^dossiers: expected a non-empty array of dossiers \(or "stacks": files to split\)/);
  });
});

describe('pipelines/schema/manifest.schema.json', () => {
  it('allows the same keys as the parser', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../pipelines/schema/manifest.schema.json', import.meta.url), 'utf8'));
    expect(Object.keys(schema.properties)).toEqual([...manifestJsonKeys.top]);
    expect(Object.keys(schema.$defs.dossier.properties)).toEqual([...manifestJsonKeys.dossier]);
    expect(Object.keys(schema.$defs.document.properties)).toEqual([...manifestJsonKeys.document]);
    expect(Object.keys(schema.$defs.document.properties.files.items.oneOf[1].properties)).toEqual([...manifestJsonKeys.file]);
    expect(manifestCsvColumns).toContain('pages');
  });
});
