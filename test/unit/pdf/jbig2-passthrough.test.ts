// A PDF page whose scan is JBIG2: taken out with its stream and global segments, written back as it was, read alike.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeImageXObject, registerImageXObject } from '../../../src/pdf/page-image-xobject.ts';
import { extractPdfPage } from '../../../src/pdf/read-scanned-pdf.ts';

// A published e-signed scan (samples/real/SOURCES.md): pages 2–4 are one 200 dpi JBIG2 image each (generic
// regions, no global segments); page 1 also carries a signature annotation whose appearance holds a colour image.
const signedScan = path.resolve('samples/real/R02.pdf');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sohoa-jbig2-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder of its own for each extraction, as the run gives each page. */
async function folder(name: string): Promise<string> {
  const out = path.join(dir, name);
  await mkdir(out, { recursive: true });
  return out;
}

async function pixels(file: string): Promise<Buffer> {
  return sharp(file).toColourspace('b-w').raw().toBuffer();
}

describe('JBIG2 scans in an input PDF', () => {
  it('takes out the stream as the file has it, with the page drawn at the scan’s own size', async () => {
    const page = await extractPdfPage(signedScan, 1, await folder('in'));
    expect(page.jbig2).toMatchObject({ widthPx: 1664, heightPx: 2338 });
    expect([page.widthPx, page.heightPx, page.dpi]).toEqual([1664, 2338, 200]);

    const doc = await PDFDocument.load(await readFile(signedScan), { updateMetadata: false });
    const images = doc.context.enumerateIndirectObjects().map(([, o]) => o).filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of('Filter'))?.toString() === '/JBIG2Decode');
    const stream = await readFile(page.jbig2?.streamPath ?? '');
    expect(images.some((image) => Buffer.from(image.getContents()).equals(stream))).toBe(true);
    expect(page.jbig2?.globalsPath).toBeUndefined();
  });

  it('writes it back as one JBIG2 XObject, and the page reads back pixel for pixel', async () => {
    const original = await extractPdfPage(signedScan, 1, await folder('a'));
    const jbig2 = original.jbig2;
    if (!jbig2) throw new Error('expected a JBIG2 stream');
    const xobject = describeImageXObject({
      kind: 'jbig2',
      bytes: await readFile(jbig2.streamPath),
      globals: jbig2.globalsPath === undefined ? undefined : await readFile(jbig2.globalsPath),
      widthPx: jbig2.widthPx,
      heightPx: jbig2.heightPx,
      decode: jbig2.decode,
    });
    expect(xobject.dict).toMatchObject({ Filter: 'JBIG2Decode', BitsPerComponent: 1, ColorSpace: 'DeviceGray', Width: 1664, Height: 2338 });

    const out = await PDFDocument.create();
    const widthPt = (jbig2.widthPx * 72) / original.dpi;
    const heightPt = (jbig2.heightPx * 72) / original.dpi;
    const pdfPage = out.addPage([widthPt, heightPt]);
    const ref = registerImageXObject(out.context, xobject);
    pdfPage.node.setXObject(PDFName.of('Im0'), ref);
    pdfPage.node.set(PDFName.of('Contents'), out.context.register(out.context.stream(`q ${widthPt} 0 0 ${heightPt} 0 0 cm /Im0 Do Q`)));
    const written = await out.save();

    const file = path.join(dir, 'written.pdf');
    await writeFile(file, written);
    const again = await extractPdfPage(file, 0, await folder('b'));
    expect(again.jbig2).toBeDefined();
    expect((await pixels(again.imagePath)).equals(await pixels(original.imagePath))).toBe(true);
  });

  it('refers to the global segments from the image’s DecodeParms, in a stream of their own', () => {
    const out = PDFDocument.create();
    return out.then((doc) => {
      const globals = new Uint8Array([0, 0, 0, 0, 0x30, 0, 1, 0, 0, 0, 0]);
      const ref = registerImageXObject(doc.context, describeImageXObject({ kind: 'jbig2', bytes: new Uint8Array([1, 2, 3]), globals, widthPx: 8, heightPx: 8, decode: undefined }));
      const image = doc.context.lookup(ref);
      const parms = image instanceof PDFRawStream ? image.dict.lookup(PDFName.of('DecodeParms')) : undefined;
      const stream = parms instanceof PDFDict ? doc.context.lookup(parms.get(PDFName.of('JBIG2Globals'))) : undefined;
      expect(stream instanceof PDFRawStream ? Buffer.from(stream.getContents()) : undefined).toEqual(Buffer.from(globals));
    });
  });

  it('counts an annotation’s appearance in the page’s input bytes, since the page is drawn with it', async () => {
    const page = await extractPdfPage(signedScan, 0, await folder('c'));
    // The JBIG2 scan is 27 KB; the signature's appearance holds a 242 KB JPEG.
    expect(page.inputBytes).toBeGreaterThan(240_000);
    expect(page.jbig2).toBeUndefined();
  });
});
