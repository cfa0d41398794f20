// Batch ingest against real folders: manifests, inferred layouts, missing files, PDFs and multi-page TIFFs.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../../src/domain/batch.ts';
import { ConfigError, InputError } from '../../../src/domain/errors.ts';
import { ManifestError } from '../../../src/domain/manifest.ts';
import { listDocumentPages, loadBatch, sha256File, shareOfBytes } from '../../../src/stages/ingest.ts';

let work: string;
let png: Buffer;
let tiff3: Buffer;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sohoa-ingest-'));
  png = await sharp({ create: { width: 16, height: 24, channels: 3, background: 'white' } }).png().toBuffer();
  // Three 16×24 gray pages stacked; `pageHeight` makes sharp write them as a 3-page TIFF.
  tiff3 = await sharp(Buffer.alloc(16 * 24 * 3, 200), { raw: { width: 16, height: 72, channels: 1, pageHeight: 24 } }).tiff().toBuffer();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let counter = 0;
/** Makes a batch folder from a map of relative paths to contents. */
async function makeBatch(files: Record<string, Buffer | string>, name = `batch-${++counter}`): Promise<string> {
  const root = path.join(work, name);
  await mkdir(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

async function loadError(root: string): Promise<unknown> {
  return loadBatch(root).then(
    () => undefined,
    (err: unknown) => err,
  );
}

function documentOf(batch: Batch, dossierId: string, documentId: string) {
  const dossier = batch.dossiers.find((d) => d.id === dossierId);
  const document = dossier?.documents.find((d) => d.id === documentId);
  if (!dossier || !document) throw new Error(`no ${dossierId}/${documentId} in the plan`);
  return { dossier, document };
}

const manifestJson = {
  batchId: 'samples-2024-03',
  dossiers: [
    {
      id: 'HS-001',
      code: '000.00.16.H05-240305-0001',
      metadata: { procedureCode: '1.000466' },
      documents: [
        { id: 'QD-15', title: 'Quyết định', files: ['HS-001/qd-15-p1.png', { file: 'HS-001/tb-02.tif', pages: [3, 1] }] },
        { id: 'TB-02', files: [{ file: 'HS-001/tb-02.tif', pages: [2] }] },
      ],
    },
  ],
};
const manifestCsv = [
  'dossier_id,dossier_code,document_id,document_title,file,pages,dossier.procedureCode',
  'HS-001,000.00.16.H05-240305-0001,QD-15,Quyết định,HS-001/qd-15-p1.png,,1.000466',
  'HS-001,,QD-15,,HS-001/tb-02.tif,"3,1",',
  'HS-001,,TB-02,,HS-001/tb-02.tif,2,',
].join('\n');

describe('loadBatch with a manifest', () => {
  it('reads manifest.json and manifest.csv into the same plan', async () => {
    const pageFiles = { 'HS-001/qd-15-p1.png': png, 'HS-001/tb-02.tif': tiff3 };
    const fromJson = await loadBatch(await makeBatch({ ...pageFiles, 'manifest.json': JSON.stringify(manifestJson) }));
    const fromCsv = await loadBatch(await makeBatch({ ...pageFiles, 'manifest.csv': manifestCsv }), { batchId: 'samples-2024-03' });
    expect(fromJson.batch.id).toBe('samples-2024-03');
    expect(fromJson.batch.manifestFile).toBe('manifest.json');
    expect(fromCsv.batch.manifestFile).toBe('manifest.csv');
    expect(fromCsv.batch.dossiers).toEqual(fromJson.batch.dossiers);
    expect(fromJson.warnings).toEqual([]);
    expect(path.isAbsolute(fromJson.batch.root)).toBe(true);
  });

  it('reports every mistake at once, including files missing on disk, at their rows', async () => {
    const root = await makeBatch({
      'HS-001/a.png': png,
      'manifest.csv': 'dossier_id,document_id,file,pages\nHS-001,A,HS-001/a.png,2\nHS-001,B,HS-001/missing.png,\nHS-001,C,HS-001/A.PNG,\nHS-001,D,/abs/x.png,\n',
    });
    const err = await loadError(root);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).message.split('\n')).toEqual([
      'manifest.csv row 3, field "file": file "HS-001/missing.png" was not found in the batch folder; check the name and the folder',
      'manifest.csv row 4, field "file": file "HS-001/A.PNG" was not found in the batch folder; did you mean "HS-001/a.png"? Names are case-sensitive',
      'manifest.csv row 5, field "file": expected a path relative to the batch folder, like "HS-001/p1.png", but received the absolute path "/abs/x.png"',
    ]);
  });

  it('names the JSON path of a missing file', async () => {
    const root = await makeBatch({ 'manifest.json': JSON.stringify({ dossiers: [{ documents: [{ files: ['a.png', 'b.png'] }] }] }), 'a.png': png });
    const err = (await loadError(root)) as ManifestError;
    expect(err.message).toBe('manifest.json: dossiers[0].documents[0].files[1]: file "b.png" was not found in the batch folder; check the name and the folder');
    expect(err.problems).toEqual([{ where: 'dossiers[0].documents[0]', field: 'files[1]', message: expect.stringContaining('b.png'), code: 'MANIFEST_FILE_MISSING' }]);
    expect(err.code).toBe('MANIFEST_FILE_MISSING');
  });

  it('reports bad JSON syntax with line and column', async () => {
    const root = await makeBatch({ 'manifest.json': '{\n  "dossiers": [,]\n}' });
    const err = await loadError(root);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toBe('manifest.json: line 2, column 16: not valid JSON: expected a value; remove the extra comma');
    expect((err as ManifestError).code).toBe('MANIFEST_INVALID');
  });

  it('refuses a batch with both manifests', async () => {
    const root = await makeBatch({ 'a.png': png, 'manifest.json': '{}', 'manifest.csv': 'file\na.png\n' }, 'both-manifests');
    const err = await loadError(root);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toBe(
      'both-manifests: found "manifest.csv" and "manifest.json"; a batch has one manifest: keep one and remove or rename the other',
    );
    expect((err as ManifestError).code).toBe('MANIFEST_DUPLICATE');
  });

  it('refuses a manifest that is not UTF-8', async () => {
    const latin1 = Buffer.from('file,document_title\na.png,Quy\xe9t\n', 'latin1');
    const err = await loadError(await makeBatch({ 'a.png': png, 'manifest.csv': latin1 }));
    expect((err as Error).message).toMatch(/^manifest\.csv: expected UTF-8 text but the file is in another encoding; save it as "CSV UTF-8"/);
    expect((err as ManifestError).code).toBe('MANIFEST_ENCODING');
  });

  it('refuses a link that leads out of the batch', async () => {
    const outside = path.join(work, 'outside.png');
    await writeFile(outside, png);
    const root = await makeBatch({ 'manifest.csv': 'file\nlink.png\n' });
    await symlink(outside, path.join(root, 'link.png'));
    const err = await loadError(root);
    expect((err as Error).message).toBe(
      'manifest.csv row 2, field "file": "link.png" is a link that leads out of the batch folder; copy the file into the batch instead',
    );
  });

  it('matches names typed in NFD against NFC files on disk, and keeps the on-disk spelling', async () => {
    // Decision: manifest names are compared in NFC; the plan keeps the name as stored so the file opens.
    const nfc = 'Hồ sơ/Quyết định.png';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const typedNfd = await loadBatch(await makeBatch({ [nfc]: png, 'manifest.csv': `file\n${nfd}\n` }));
    expect(typedNfd.batch.dossiers[0]?.documents[0]?.sources).toEqual([{ file: nfc }]);
    const storedNfd = await loadBatch(await makeBatch({ [nfd]: png, 'manifest.csv': `file\n${nfc}\n` }));
    expect(storedNfd.batch.dossiers[0]?.documents[0]?.sources).toEqual([{ file: nfd }]);
    const { dossier, document } = documentOf(storedNfd.batch, 'dossier-01', 'document-01');
    const { pages, problems } = await listDocumentPages(storedNfd.batch, dossier, document);
    expect(problems).toEqual([]);
    expect(pages).toHaveLength(1);
  });

  it('returns a warning, not an error, for a file used twice', async () => {
    const root = await makeBatch({ 'a.png': png, 'manifest.csv': 'document_id,file\nA,a.png\nB,a.png\n' });
    const { warnings } = await loadBatch(root);
    expect(warnings).toEqual(['manifest.csv row 3, field "file": "a.png" is also used by dossier "dossier-01" document "A"; its pages will appear in both']);
  });
});

describe('loadBatch without a manifest', () => {
  it('makes a dossier per sub-folder and a document per page file, in natural order', async () => {
    const root = await makeBatch(
      {
        'cover.jpg': png,
        'HS-002/p10.png': png,
        'HS-002/p2.png': png,
        'HS-002/p1.png': png,
        'HS-002/.hidden.png': png,
        'HS-002/ghi-chu.txt': 'x',
        'HS-002/nested/deep.png': png,
        'Hồ sơ 1/don.pdf': '%PDF-1.7',
        '.cache/x.png': png,
      },
      'Lô 03',
    );
    const { batch, warnings } = await loadBatch(root);
    expect(batch.id).toBe('Lo-03');
    expect(batch.manifestFile).toBeUndefined();
    expect(batch.dossiers.map((d) => [d.id, d.documents.map((doc) => [doc.id, doc.sources[0]?.file])])).toEqual([
      ['Lo-03', [['cover', 'cover.jpg']]],
      // Vietnamese collation: "Hồ" sorts before "HS".
      ['Ho-so-1', [['don', 'Hồ sơ 1/don.pdf']]],
      ['HS-002', [['p1', 'HS-002/p1.png'], ['p2', 'HS-002/p2.png'], ['p10', 'HS-002/p10.png']]],
    ]);
    expect(warnings).toEqual([
      'ignored 1 file that is not a page image (JPEG, PNG, WebP or TIFF): "HS-002/ghi-chu.txt"',
      'ignored folders inside dossier folders: "HS-002/nested"; move their files up a level or list them in a manifest',
    ]);
  });

  it('uses the batchId option over the folder name', async () => {
    const { batch } = await loadBatch(await makeBatch({ 'a.png': png }), { batchId: 'lo-2024-03' });
    expect(batch.id).toBe('lo-2024-03');
  });

  it('refuses an empty batch, saying what it expected', async () => {
    const root = await makeBatch({ 'notes.txt': 'x' });
    const err = await loadError(root);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `no page files found in ${root}; expected JPEG, PNG, WebP or TIFF files, or a manifest.json / manifest.csv`,
    );
  });

  it('throws ConfigError for a folder that does not exist', async () => {
    const missing = path.join(work, 'no-such-batch');
    const err = await loadError(missing);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(missing);
  });
});

describe('listDocumentPages', () => {
  it('expands a multi-page TIFF, applies page selections and numbers pages within the document', async () => {
    const root = await makeBatch({ 'HS-001/qd-15-p1.png': png, 'HS-001/tb-02.tif': tiff3, 'manifest.json': JSON.stringify(manifestJson) });
    const { batch } = await loadBatch(root);
    const { dossier, document } = documentOf(batch, 'HS-001', 'QD-15');
    const { pages, problems } = await listDocumentPages(batch, dossier, document);
    expect(problems).toEqual([]);
    expect(pages.map((p) => [p.ref.pageNumber, p.ref.file, p.ref.filePageNumber, p.pageIndex])).toEqual([
      [1, 'HS-001/qd-15-p1.png', 1, 0],
      [2, 'HS-001/tb-02.tif', 3, 2],
      [3, 'HS-001/tb-02.tif', 1, 0],
    ]);
    expect(pages[1]?.path).toBe(path.join(root, 'HS-001/tb-02.tif'));
    expect(pages[0]?.ref).toMatchObject({ dossierId: 'HS-001', documentId: 'QD-15' });
    // The page index really addresses that page of the TIFF.
    const third = await sharp(pages[1]?.path ?? '', { page: pages[1]?.pageIndex ?? 0 }).metadata();
    expect(third.height).toBe(24);

    const all = await loadBatch(await makeBatch({ 'scan.tif': tiff3 }));
    const only = documentOf(all.batch, all.batch.dossiers[0]?.id ?? '', 'scan');
    const listed = await listDocumentPages(all.batch, only.dossier, only.document);
    expect(listed.pages.map((p) => p.pageIndex)).toEqual([0, 1, 2]);
    const size = (await stat(path.join(all.batch.root, 'scan.tif'))).size;
    expect(listed.pages.reduce((sum, p) => sum + p.inputBytes, 0)).toBe(size);
  });

  it('reports a page beyond the end of the file, naming file and page', async () => {
    const root = await makeBatch({ 'tb.tif': tiff3, 'manifest.csv': 'file,pages\ntb.tif,"2,5"\n' });
    const { batch } = await loadBatch(root);
    const { dossier, document } = documentOf(batch, 'dossier-01', 'document-01');
    const { pages, problems } = await listDocumentPages(batch, dossier, document);
    expect(pages.map((p) => p.ref.filePageNumber)).toEqual([2]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'tb.tif', pageNumber: 5 });
    expect(problems[0]?.error).toBeInstanceOf(InputError);
    expect(problems[0]?.error.message).toBe('"tb.tif" page 5 was asked for but the file has 3 pages; fix the "pages" of this file in manifest.csv');
    expect(problems[0]?.error.location).toEqual({ file: 'tb.tif', pageNumber: 5 });
    expect(problems[0]?.error.code).toBe('PAGE_NOT_IN_FILE');
  });

  it('lists the pages of a PDF, applies page selections, and fails a damaged PDF with a clear problem', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([100, 100]);
    doc.addPage([100, 100]);
    doc.addPage([100, 100]);
    const pdf = Buffer.from(await doc.save());
    const root = await makeBatch({ 'HS-001/a.png': png, 'HS-001/b.pdf': '%PDF-1.7\n', 'HS-001/c.pdf': pdf });
    const { batch } = await loadBatch(root);
    const broken = documentOf(batch, 'HS-001', 'b');
    const brokenResult = await listDocumentPages(batch, broken.dossier, broken.document);
    expect(brokenResult.pages).toEqual([]);
    expect(brokenResult.problems.map((p) => [p.file, p.error.message])).toEqual([
      [
        'HS-001/b.pdf',
        '"HS-001/b.pdf": the PDF is damaged: it ends without %%EOF, so it was cut short; open it in a PDF reader to check it, then copy it again from its source or print it to a new PDF',
      ],
    ]);
    expect(brokenResult.problems[0]?.error).toBeInstanceOf(InputError);
    expect(brokenResult.problems[0]?.error.location).toEqual({ file: 'HS-001/b.pdf' });
    expect(brokenResult.problems[0]?.error.code).toBe('PDF_TRUNCATED');

    const whole = documentOf(batch, 'HS-001', 'c');
    const wholeResult = await listDocumentPages(batch, whole.dossier, whole.document);
    expect(wholeResult.problems).toEqual([]);
    expect(wholeResult.pages.map((p) => [p.ref.pageNumber, p.ref.filePageNumber, p.pageIndex, p.path])).toEqual([
      [1, 1, 0, path.join(root, 'HS-001/c.pdf')],
      [2, 2, 1, path.join(root, 'HS-001/c.pdf')],
      [3, 3, 2, path.join(root, 'HS-001/c.pdf')],
    ]);
    expect(wholeResult.pages.reduce((sum, p) => sum + p.inputBytes, 0)).toBe(pdf.length);

    const selected = await loadBatch(await makeBatch({ 'c.pdf': pdf, 'manifest.csv': 'file,pages\nc.pdf,"3,5"\n' }));
    const only = documentOf(selected.batch, 'dossier-01', 'document-01');
    const selectedResult = await listDocumentPages(selected.batch, only.dossier, only.document);
    expect(selectedResult.pages.map((p) => p.pageIndex)).toEqual([2]);
    expect(selectedResult.problems.map((p) => p.error.message)).toEqual([
      '"c.pdf" page 5 was asked for but the file has 3 pages; fix the "pages" of this file in manifest.csv',
    ]);

    const image = documentOf(batch, 'HS-001', 'a');
    const imageResult = await listDocumentPages(batch, image.dossier, image.document);
    expect(imageResult.problems).toEqual([]);
    expect(imageResult.pages).toEqual([
      {
        ref: { dossierId: 'HS-001', documentId: 'a', pageNumber: 1, file: 'HS-001/a.png', filePageNumber: 1 },
        path: path.join(root, 'HS-001/a.png'),
        pageIndex: 0,
        inputBytes: png.length,
      },
    ]);
  });

  it('turns an unreadable image into a problem naming the file', async () => {
    const root = await makeBatch({ 'broken.jpg': 'not a jpeg at all', 'good.png': png });
    const { batch } = await loadBatch(root);
    const { dossier, document } = documentOf(batch, batch.dossiers[0]?.id ?? '', 'broken');
    const { pages, problems } = await listDocumentPages(batch, dossier, document);
    expect(pages).toEqual([]);
    expect(problems[0]?.file).toBe('broken.jpg');
    expect(problems[0]?.error.message).toMatch(/^"broken\.jpg": could not be read as an image \(.+\); re-scan it or export it again as JPEG, PNG or TIFF$/);
    expect(problems[0]?.error.code).toBe('IMAGE_UNREADABLE');
    expect(problems[0]?.error.location).toEqual({ file: 'broken.jpg' });
  });
});

describe('shareOfBytes', () => {
  it('spreads a file evenly over its pages, remainder first', () => {
    expect([0, 1, 2].map((i) => shareOfBytes(10, 3, i))).toEqual([4, 3, 3]);
  });
});

describe('sha256File', () => {
  it('hashes the file contents as hex', async () => {
    const root = await makeBatch({ 'a.png': png });
    const expected = createHash('sha256').update(await readFile(path.join(root, 'a.png'))).digest('hex');
    expect(await sha256File(path.join(root, 'a.png'))).toBe(expected);
  });
});
