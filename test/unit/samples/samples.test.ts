// Checks that the committed sample batch is what its manifest and ground truth say it is, file by file.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseManifestJson } from '../../../src/domain/manifest.ts';
import { a4Px, fixtures, loadGroundTruth, sampleBatchDir, sampleConditions, sampleManifestPath, samplePath } from '../../fixtures/index.ts';
import type { GroundTruthPage } from '../../fixtures/index.ts';

interface ManifestJson {
  batchId: string;
  dossiers: {
    id: string;
    kind: string;
    documents: { id: string; metadata: Record<string, string>; files: (string | { file: string; pages: number[] })[] }[];
  }[];
}

const manifest = JSON.parse(await readFile(sampleManifestPath, 'utf8')) as ManifestJson;
const truth = loadGroundTruth();

/** The (file, page) sequence a manifest document stands for. */
function documentPages(files: ManifestJson['dossiers'][number]['documents'][number]['files']): string[] {
  return files.flatMap((f) => (typeof f === 'string' ? [`${f}#1`] : f.pages.map((pg) => `${f.file}#${pg}`)));
}

/** Baseline TIFF fields of every IFD, read straight from the bytes so the check does not trust the decoder. */
function tiffDirectories(bytes: Buffer): Map<number, number>[] {
  const little = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  expect(u16(2)).toBe(42);
  const directories: Map<number, number>[] = [];
  for (let offset = u32(4); offset !== 0 && directories.length < 100; ) {
    const count = u16(offset);
    const fields = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      const type = u16(entry + 2);
      // SHORT values sit in the first two bytes of the value field, LONG values fill it.
      fields.set(u16(entry), type === 3 ? u16(entry + 8) : u32(entry + 8));
    }
    directories.push(fields);
    offset = u32(offset + 2 + count * 12);
  }
  return directories;
}

/** Mean ink (255 - gray) of a region, 0 for blank paper. From raw pixels: sharp's stats() ignores extract(). */
async function inkIn(path: string, region: { left: number; top: number; width: number; height: number }): Promise<number> {
  const data = await sharp(path).extract(region).toColourspace('b-w').raw().toBuffer();
  return 255 - data.reduce((sum, v) => sum + v, 0) / data.length;
}

describe('sample batch', () => {
  it('has at least two dossiers of both kinds, eight pages, and every condition', () => {
    expect(manifest.dossiers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(manifest.dossiers.map((d) => d.kind))).toEqual(new Set(['component', 'result']));
    expect(truth.pages.length).toBeGreaterThanOrEqual(8);
    for (const condition of sampleConditions) expect(truth.pages.some((pg) => pg.conditions.includes(condition)), condition).toBe(true);
    expect(truth.pages.filter((pg) => pg.conditions.includes('no-dpi'))).toHaveLength(1);
  });

  it('names only files that exist, and the manifest parser accepts it as is', async () => {
    for (const dossier of manifest.dossiers) {
      for (const doc of dossier.documents) {
        for (const f of doc.files) {
          const file = typeof f === 'string' ? f : f.file;
          expect(file.startsWith(`${dossier.id}/`), `${file} sits in its dossier folder`).toBe(true);
          expect((await stat(samplePath(file))).isFile()).toBe(true);
        }
      }
    }
    const plan = parseManifestJson(await readFile(sampleManifestPath, 'utf8'));
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.batchId).toBe('samples-2024-03');
  });

  it('has a ground-truth page for every manifest page, in document order', () => {
    const fromTruth = (dossierId: string, documentId: string) =>
      truth.pages
        .filter((pg) => pg.dossierId === dossierId && pg.documentId === documentId)
        .sort((a, b) => a.pageNumber - b.pageNumber)
        .map((pg) => `${pg.file}#${pg.filePageNumber}`);
    let pageCount = 0;
    for (const dossier of manifest.dossiers) {
      for (const doc of dossier.documents) {
        const expected = documentPages(doc.files);
        expect(fromTruth(dossier.id, doc.id), `${dossier.id}/${doc.id}`).toEqual(expected);
        pageCount += expected.length;
      }
    }
    expect(truth.pages).toHaveLength(pageCount);
    const ids = truth.pages.map((pg) => `${pg.dossierId}/${pg.documentId}#${pg.pageNumber}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the batch small and holds nothing the manifest does not name', async () => {
    const named = new Set(manifest.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.files.map((f) => (typeof f === 'string' ? f : f.file)))));
    let totalBytes = 0;
    for (const entry of await readdir(sampleBatchDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relativePath = join(entry.parentPath, entry.name).slice(sampleBatchDir.length + 1).split('\\').join('/');
      if (relativePath !== 'manifest.json') expect(named.has(relativePath), relativePath).toBe(true);
      totalBytes += (await stat(join(entry.parentPath, entry.name))).size;
    }
    expect(totalBytes).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('ground truth', () => {
  it.each(truth.pages.map((pg) => [`${pg.file}#${pg.filePageNumber}`, pg] as const))('%s is a real page with the recorded size and DPI', async (_name, pg: GroundTruthPage) => {
    const path = samplePath(pg.file);
    const fileMeta = await sharp(path).metadata();
    expect(fileMeta.pages ?? 1).toBeGreaterThanOrEqual(pg.filePageNumber);
    const meta = await sharp(path, { page: pg.filePageNumber - 1 }).metadata();
    // Without a resolution in the file sharp still reports libvips' default density (72) but no unit.
    if (pg.conditions.includes('no-dpi')) expect(meta.resolutionUnit).toBeUndefined();
    else expect({ density: meta.density, unit: meta.resolutionUnit }).toEqual({ density: pg.dpi, unit: 'inch' });
    const a4 = a4Px(pg.dpi);
    const sideways = pg.conditions.includes('rotated-90');
    expect({ widthPx: meta.width, heightPx: meta.height }).toEqual(sideways ? { widthPx: a4.heightPx, heightPx: a4.widthPx } : a4);
  });

  it('is NFC text in the Decree 30 layout, matching the manifest metadata', () => {
    for (const pg of truth.pages) {
      expect(pg.text, pg.file).toBe(pg.text.normalize('NFC'));
      expect(pg.text.split('\n').every((line) => line.length > 0 && line === line.trim()), pg.file).toBe(true);
    }
    for (const dossier of manifest.dossiers) {
      for (const doc of dossier.documents) {
        const first = truth.pages.find((pg) => pg.dossierId === dossier.id && pg.documentId === doc.id && pg.pageNumber === 1);
        const lines = first?.text.split('\n') ?? [];
        // Row 1 is "<issuing body line 1>" then the national title; row 3 is the number line then the place/date line.
        expect(lines[1], doc.id).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
        expect(lines[3], doc.id).toBe('Độc lập - Tự do - Hạnh phúc');
        expect(lines[4], doc.id).toBe(`Số: ${doc.metadata['number']}`);
        expect(lines[5], doc.id).toMatch(/^[\p{L} ]+, ngày \d{2} tháng (0[12]|[3-9]|1[012]) năm \d{4}$/u);
        const last = truth.pages.filter((pg) => pg.dossierId === dossier.id && pg.documentId === doc.id).at(-1);
        expect(last?.text, doc.id).toMatch(/\n- Lưu: VT, [^\n]+\.\n/);
        expect(last?.text, doc.id).toContain('Nơi nhận:');
      }
    }
  });

  it('numbers continuation pages in the top margin', () => {
    for (const pg of truth.pages.filter((p) => p.pageNumber > 1)) expect(pg.text.split('\n')[0]).toBe(String(pg.pageNumber));
  });
});

describe('degraded fixtures', () => {
  it('G4 TIFF: three 1-bit CCITT Group 4 pages, each decodable and different', async () => {
    const { path, pages } = fixtures.g4Tiff;
    expect(pages.map((pg) => pg.filePageNumber)).toEqual([1, 2, 3]);
    const directories = tiffDirectories(await readFile(path));
    expect(directories).toHaveLength(3);
    for (const ifd of directories) {
      expect(ifd.get(258), 'BitsPerSample').toBe(1);
      expect(ifd.get(259), 'Compression = CCITT T.6 (G4)').toBe(4);
      expect(ifd.get(262), 'Photometric = MinIsWhite').toBe(0);
      expect(ifd.get(277) ?? 1, 'SamplesPerPixel').toBe(1);
    }
    expect((await sharp(path).metadata()).pages).toBe(3);
    const digests = new Set<string>();
    for (let page = 0; page < 3; page++) {
      const { data, info } = await sharp(path, { page }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(1);
      expect(new Set(data).size, 'bitonal').toBe(2);
      const dark = data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / data.length;
      expect(dark, 'paper is white, text is sparse').toBeGreaterThan(0.005);
      expect(dark).toBeLessThan(0.2);
      digests.add(data.toString('base64'));
    }
    expect(digests.size).toBe(3);
  });

  it('rotated 90°: the letterhead is at the right edge, in the pixels, with no EXIF orientation', async () => {
    const { path } = fixtures.rotated90;
    const meta = await sharp(path).metadata();
    expect(meta.orientation ?? 1, 'EXIF orientation says "as stored"').toBe(1);
    const strip = { top: 0, width: 400, height: meta.height };
    // Page 2 starts with its page number and text at the top, which a clockwise turn puts on the right.
    const right = await inkIn(path, { ...strip, left: meta.width - 400 });
    const left = await inkIn(path, { ...strip, left: 0 });
    expect(right).toBeGreaterThan(left);
  });

  it('rotated 180°: the text sits at the bottom of the image', async () => {
    const { path } = fixtures.rotated180;
    const meta = await sharp(path).metadata();
    expect(meta.orientation ?? 1, 'EXIF orientation says "as stored"').toBe(1);
    const half = Math.floor(meta.height / 2);
    expect(await inkIn(path, { left: 0, top: half, width: meta.width, height: half })).toBeGreaterThan(await inkIn(path, { left: 0, top: 0, width: meta.width, height: half }));
  });

  it('skewed: A4 canvas with white corners, not black ones', async () => {
    const { path, pages } = fixtures.skew3;
    const meta = await sharp(path).metadata();
    expect({ widthPx: meta.width, heightPx: meta.height }).toEqual(a4Px(pages[0]?.dpi ?? 0));
    for (const [left, top] of [[0, 0], [meta.width - 20, 0], [0, meta.height - 20], [meta.width - 20, meta.height - 20]] as const) {
      expect(await inkIn(path, { left, top, width: 20, height: 20 })).toBeLessThan(1);
    }
  });

  it('noisy: specks in the blank margin where a clean page has none', async () => {
    const margin = (path: string) => inkIn(path, { left: 0, top: 0, width: 250, height: 3508 });
    expect(await margin(fixtures.clean.path)).toBe(0);
    expect(await margin(fixtures.noisy.path)).toBeGreaterThan(0.5);
  });

  it('JPEG: gray, with the DPI in a JFIF header as well as in Exif', async () => {
    const { path, pages } = fixtures.jpeg;
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('ffd8ffe0');
    expect(bytes.toString('latin1', 6, 11)).toBe('JFIF\0');
    expect(bytes[13], 'density unit: dots per inch').toBe(1);
    expect(bytes.readUInt16BE(14)).toBe(pages[0]?.dpi);
    const meta = await sharp(path).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.channels).toBe(1);
    expect(meta.exif).toBeDefined();
  });

  it('no-DPI PNG: no pHYs chunk at all, and clean 300 dpi content', async () => {
    const { path, pages } = fixtures.noDpi;
    const bytes = await readFile(path);
    expect(bytes.includes(Buffer.from('pHYs'))).toBe(false);
    expect(bytes.includes(Buffer.from('eXIf'))).toBe(false);
    expect((await sharp(path).metadata()).resolutionUnit).toBeUndefined();
    expect(pages[0]?.conditions).toContain('clean');
    expect(pages[0]?.dpi).toBe(300);
  });

  it('200 dpi page is a 200 dpi A4 gray PNG', async () => {
    const meta = await sharp(fixtures.dpi200.path).metadata();
    expect(meta.density).toBe(200);
    expect(meta.channels).toBe(1);
    expect({ widthPx: meta.width, heightPx: meta.height }).toEqual(a4Px(200));
  });
});
