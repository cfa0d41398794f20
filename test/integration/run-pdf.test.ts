// End to end with scanned PDFs: a JPEG page, a G4 page and a page that already has text, plus an encrypted PDF.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGroundTruth, sampleBatchDir, type GroundTruth } from '../fixtures/index.ts';
import type { BatchReport, DocumentRecord } from '../../src/domain/record.ts';
import { characterErrorRate } from '../../src/domain/text-metrics.ts';
import { extractPdfText } from '../../src/pdf/extract-text.ts';
import { runCli } from '../support/cli.ts';
import { signPdf } from '../fixtures/pdf/signed-pdf.ts';
import { deflateSync } from 'node:zlib';
import { errorCatalog } from '../../src/domain/error-codes.ts';
import { escapeHtml } from '../../src/report/report-html.ts';
import { addImagePage, addSignatureBox, emptyPasswordPdf, encryptedPdf, g4Image, g4StripOf, saved } from '../fixtures/pdf/test-pdfs.ts';

const a4 = { widthPt: 595.2, heightPt: 841.92 };

let work: string;
let truth: GroundTruth;
let run: Awaited<ReturnType<typeof runCli>>;
let keptText: string;
let signedInput: Uint8Array;
const textOf = (file: string, page = 1) => truth.pages.find((p) => p.file === file && p.filePageNumber === page)!.text;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'sohoa-pdf-'));
  truth = loadGroundTruth();
  // An already-OCRed page: sohoa's own output for one sample page.
  const earlier = path.join(work, 'earlier');
  await mkdir(path.join(earlier, 'HS'), { recursive: true });
  await writeFile(path.join(earlier, 'HS', 'qd.png'), await readFile(path.join(sampleBatchDir, 'HS-002/qd-15-p1.png')));
  expect((await runCli(['run', earlier, '--out', path.join(work, 'earlier-out'), '--no-progress'])).code).toBe(0);
  const ocred = await readFile(path.join(work, 'earlier-out', 'earlier', 'HS', 'qd.pdf'));
  keptText = (await extractPdfText(ocred))[0]!;

  const doc = await PDFDocument.create();
  const jpeg = await readFile(path.join(sampleBatchDir, 'HS-001/cv-125.jpg'));
  const jpegPage = doc.addPage([a4.widthPt, a4.heightPt]);
  jpegPage.drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width: a4.widthPt, height: a4.heightPt });
  const { data, info } = await sharp(path.join(sampleBatchDir, 'HS-002/tb-02.tif'), { page: 0 }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  addImagePage(doc, g4Image(await g4StripOf(new Uint8Array(data), info.width, info.height), info.width, info.height, true), a4.widthPt, a4.heightPt);
  const [copied] = await doc.copyPages(await PDFDocument.load(ocred), [0]);
  doc.addPage(copied!);
  const batch = path.join(work, 'pdf-batch');
  await mkdir(path.join(batch, 'HS-PDF'), { recursive: true });
  await writeFile(path.join(batch, 'HS-PDF', 'scan.pdf'), await saved(doc));
  await writeFile(path.join(batch, 'HS-PDF', 'locked.pdf'), await encryptedPdf());
  // A signed document, as an agency publishes it: one scanned page and a signature over the whole file.
  const single = await PDFDocument.create();
  single.addPage([a4.widthPt, a4.heightPt]).drawImage(await single.embedJpg(jpeg), { x: 0, y: 0, width: a4.widthPt, height: a4.heightPt });
  signedInput = await signPdf(await saved(single), { commonName: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG', organization: 'Văn phòng HĐND và UBND huyện Bảo Thắng', locality: 'Lào Cai' }, new Date('2024-03-01T03:15:00Z'));
  await writeFile(path.join(batch, 'HS-PDF', 'signed.pdf'), signedInput);
  // As e-office systems send signed documents: encrypted, owner permissions only, no password to open.
  await writeFile(path.join(batch, 'HS-PDF', 'ky-so.pdf'), (await emptyPasswordPdf({ jpeg })).bytes);
  // A 1-bit scan an e-office system signed: a red signature box drawn over it, so the page is rendered.
  const signedScan = await PDFDocument.create();
  const g4Page = addImagePage(signedScan, g4Image(await g4StripOf(new Uint8Array(data), info.width, info.height), info.width, info.height, true), a4.widthPt, a4.heightPt);
  await addSignatureBox(signedScan, g4Page);
  await writeFile(path.join(batch, 'HS-PDF', 'g4-ky.pdf'), await saved(signedScan));
  // A page of three flat colours: a few hundred bytes of Flate in, a colour JPEG out.
  const tiny = await PDFDocument.create();
  const flat = Buffer.alloc(600 * 850 * 3);
  for (let i = 0; i < 600 * 850; i++) flat.set(i < 600 * 425 ? [200, 40, 40] : [40, 60, 200], i * 3);
  addImagePage(tiny, { data: deflateSync(flat), dict: { Width: 600, Height: 850, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode' } }, a4.widthPt, a4.heightPt);
  await writeFile(path.join(batch, 'HS-PDF', 'mau.pdf'), await saved(tiny));
  run = await runCli(['run', batch, '--out', path.join(work, 'out'), '--no-progress']);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('sohoa run on scanned PDFs', () => {
  it('reads the JPEG and the G4 page, keeps the text page as it was, opens an empty-password PDF, and fails only the one needing a password', async () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3);
    const out = path.join(work, 'out', 'pdf-batch');
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as BatchReport;
    const docs = report.dossiers[0]!.documents;
    const locked = docs.find((d) => d.documentId === 'locked');
    expect(locked?.errors).toEqual([expect.objectContaining({ code: 'PDF_ENCRYPTED', kind: 'input', message: expect.stringMatching(/locked\.pdf.*needs a password.*qpdf --password=<password> --decrypt/) })]);
    expect(locked?.pages.map((p) => p.error?.code)).toEqual(['PDF_ENCRYPTED']);
    expect(docs.find((d) => d.documentId === 'scan')?.errors).toEqual([]);
    expect(docs.find((d) => d.documentId === 'ky-so')).toMatchObject({ status: 'done', errors: [] });
    const signedText = (await extractPdfText(await readFile(path.join(out, 'HS-PDF', 'ky-so.pdf'))))[0]!;
    const signedCer = characterErrorRate(textOf('HS-001/cv-125.jpg'), signedText).cer;
    console.log(`empty-password PDF (rendered): CER ${(signedCer * 100).toFixed(2)}%`);
    expect(signedCer).toBeLessThan(0.03);
    expect(run.events.some((e) => e['event'] === 'page.warning' && String(e['msg']).includes('encrypted with an empty user password'))).toBe(true);

    // The signed PDF: its signature in the record and the report, and the signed original kept byte for byte.
    const signedRecord = JSON.parse(await readFile(path.join(out, 'HS-PDF', 'signed.json'), 'utf8')) as DocumentRecord;
    expect(signedRecord.signatures).toEqual([
      expect.objectContaining({
        file: 'HS-PDF/signed.pdf',
        signer: expect.objectContaining({ commonName: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG', organization: 'Văn phòng HĐND và UBND huyện Bảo Thắng', locality: 'Lào Cai' }),
        signingTime: '2024-03-01T03:15:00Z',
        coversWholeFile: true,
        digestValid: true,
        signatureValid: true,
        trust: 'unknown',
      }),
    ]);
    expect(docs.find((d) => d.documentId === 'signed')?.signatures).toEqual([
      { file: 'HS-PDF/signed.pdf', signer: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG', organization: 'Văn phòng HĐND và UBND huyện Bảo Thắng', signingTime: '2024-03-01T03:15:00Z', valid: true },
    ]);
    // The certificate names the issuing agency, which the page's heading agrees with (the page outranks it, so no
    // conflict); the page's date is not after the signing day.
    expect(signedRecord.metadata['issuer']).toMatchObject({ value: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG', source: 'ocr' });
    expect(signedRecord.metadata['issueDate']).toMatchObject({ value: '2024-03-01', source: 'ocr' });
    expect(signedRecord.conflicts.filter((c) => c.key === 'issuer' || c.key === 'issueDate')).toEqual([]);
    const original = signedRecord.sources[0]!;
    expect(original.storedAs).toBe('pdf-batch/HS-PDF/signed.original.pdf');
    expect(Buffer.compare(await readFile(path.join(out, 'HS-PDF', 'signed.original.pdf')), Buffer.from(signedInput))).toBe(0);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Chữ ký số');
    expect(html).toContain('khớp với tệp');

    const texts = await extractPdfText(await readFile(path.join(out, 'HS-PDF', 'scan.pdf')));
    expect(texts).toHaveLength(3);
    const jpegCer = characterErrorRate(textOf('HS-001/cv-125.jpg'), texts[0]!).cer;
    const g4Cer = characterErrorRate(textOf('HS-002/tb-02.tif'), texts[1]!).cer;
    console.log(`PDF input: JPEG page CER ${(jpegCer * 100).toFixed(2)}%, G4 page CER ${(g4Cer * 100).toFixed(2)}%`);
    expect(jpegCer).toBeLessThan(0.03);
    expect(g4Cer).toBeLessThan(0.03);
    // --pdf-text skip (the default): the page's own text is kept, not OCRed again.
    expect(characterErrorRate(keptText, texts[2]!).cer).toBeLessThan(0.01);
    expect(run.events.some((e) => e['event'] === 'page.warning' && String(e['msg']).includes('already has text'))).toBe(true);

    const record = JSON.parse(await readFile(path.join(out, 'HS-PDF', 'scan.json'), 'utf8')) as DocumentRecord;
    expect(record.pages.map((p) => p.dpi)).toEqual([300, 300, 300]);
    expect(record.pages[1]!.colourMode).toBe('bitonal');
    // The G4 page stays 1-bit G4 and no bigger than 1.1 × its embedded image.
    expect(record.pages[1]!.outputBytes).toBeLessThanOrEqual(record.pages[1]!.inputBytes * 1.1);
  });

  it('stores a signed 1-bit scan as 1-bit at its resolution, and reports a page much larger than its input with its code in both languages', async () => {
    const out = path.join(work, 'out', 'pdf-batch');
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as BatchReport;
    const docs = report.dossiers[0]!.documents;
    const signed = JSON.parse(await readFile(path.join(out, 'HS-PDF', 'g4-ky.json'), 'utf8')) as DocumentRecord;
    const [page] = signed.pages;
    console.log(`signed 1-bit scan (rendered): input ${page!.inputBytes} B, output ${page!.outputBytes + page!.textLayerBytes} B (image ${page!.outputBytes} + text layer ${page!.textLayerBytes})`);
    expect(page).toMatchObject({ colourMode: 'bitonal', dpi: 300, widthPx: 2480, heightPx: 3508 });
    expect(page!.outputBytes + page!.textLayerBytes).toBeLessThanOrEqual(1.5 * page!.inputBytes);
    expect(page!.warnings).toContainEqual(expect.stringMatching(/were flattened to black and white, as its 1-bit scan$/));
    expect(docs.find((d) => d.documentId === 'g4-ky')?.pages[0]?.warnings).toBeUndefined();

    const tiny = JSON.parse(await readFile(path.join(out, 'HS-PDF', 'mau.json'), 'utf8')) as DocumentRecord;
    const [tinyPage] = tiny.pages;
    console.log(`flat-colour page: input ${tinyPage!.inputBytes} B, output ${tinyPage!.outputBytes + tinyPage!.textLayerBytes} B`);
    const warnings = docs.find((d) => d.documentId === 'mau')?.pages[0]?.warnings;
    expect(warnings).toEqual([{ code: 'PAGE_OUTPUT_LARGER', message: expect.stringMatching(/^the page takes \d+ bytes in the PDF/) }]);
    expect(tinyPage!.warnings).toContain(warnings![0]!.message);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    const { vi, en } = errorCatalog.PAGE_OUTPUT_LARGER;
    expect(html).toContain('<code class="ecode"');
    expect(html).toContain('PAGE_OUTPUT_LARGER</code>');
    for (const text of [vi.reason, vi.action, en.reason, en.action]) expect(html).toContain(escapeHtml(text));
  });
});
