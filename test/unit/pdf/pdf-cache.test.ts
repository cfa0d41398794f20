// Checks the run's PDF cache: one parse per file for ingest and its users, one check, closed after the last user.
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { PdfCache } from '../../../src/pdf/pdf-cache.ts';
import { countingPdfOpener } from '../../doubles/counting-pdf-opener.ts';
import { addImagePage, flateGrayImage, grayPixels, javaScriptPdf, saved } from '../../fixtures/pdf/test-pdfs.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sohoa-pdf-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scanPdf(name: string, pages = 2): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) addImagePage(doc, flateGrayImage(grayPixels(120, 170), 120, 170), 144, 204);
  const file = path.join(dir, name);
  await writeFile(file, await saved(doc));
  return file;
}

describe('PdfCache', () => {
  it('hands ingest’s parse to the file’s users and closes it after the last of them', async () => {
    const file = await scanPdf('kept.pdf');
    const opener = countingPdfOpener();
    const cache = new PdfCache({ opener });
    expect(await cache.inspect(file, 'HS/kept.pdf')).toEqual({ pageCount: 2 });
    const first = cache.lease(file, 'HS/kept.pdf');
    const second = cache.lease(file, 'HS/kept.pdf');
    expect(await first.pdf()).toBe(await second.pdf());
    await first.release();
    expect(opener.closes).toBe(0);
    await second.release();
    expect(opener).toMatchObject({ inspects: 0, opens: 1, checkedOpens: 0, closes: 1 });
    // A later user parses again (the PDF was let go), without checking what was checked.
    const later = cache.lease(file, 'HS/kept.pdf');
    expect((await later.pdf()).pageCount).toBe(2);
    await later.release();
    expect(opener).toMatchObject({ opens: 2, checkedOpens: 1, closes: 2 });
  });

  it('keeps only the verdict past its budget, so the users parse again but do not check again', async () => {
    const file = await scanPdf('budget.pdf');
    const opener = countingPdfOpener();
    const cache = new PdfCache({ opener, keptBytes: 0 });
    expect(await cache.inspect(file, 'budget.pdf')).toEqual({ pageCount: 2 });
    const pdfs = cache.forDocument();
    const [a, b] = await Promise.all([pdfs.open(file, 'budget.pdf'), pdfs.open(file, 'budget.pdf')]);
    expect(a).toBe(b);
    await pdfs.release();
    expect(opener).toMatchObject({ inspects: 1, opens: 1, checkedOpens: 1, closes: 1 });
  });

  it('checks a file again when it changed after ingest, and drops the parse kept of the old one', async () => {
    const file = await scanPdf('changed.pdf', 1);
    const opener = countingPdfOpener();
    const cache = new PdfCache({ opener });
    expect(await cache.inspect(file, 'changed.pdf')).toEqual({ pageCount: 1 });
    await writeFile(file, await javaScriptPdf());
    await utimes(file, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const lease = cache.lease(file, 'changed.pdf');
    await expect(lease.pdf()).rejects.toMatchObject({ code: 'PDF_JAVASCRIPT' });
    await lease.release();
    expect(opener).toMatchObject({ opens: 2, checkedOpens: 0, closes: 1 });
  });

  it('keeps nothing of a refused file, and closes what no user took when the run ends', async () => {
    const refused = path.join(dir, 'script.pdf');
    await writeFile(refused, await javaScriptPdf());
    const unused = await scanPdf('unused.pdf', 1);
    const opener = countingPdfOpener();
    const cache = new PdfCache({ opener });
    const err = await cache.inspect(refused, 'script.pdf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'PDF_JAVASCRIPT', message: expect.stringContaining('"script.pdf"') });
    await cache.inspect(unused, 'unused.pdf');
    expect(opener.closes).toBe(0);
    await cache.close();
    expect(opener).toMatchObject({ opens: 2, closes: 1 });
  });
});
