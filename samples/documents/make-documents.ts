// Renders the field-extraction evaluation set: each document clean at 300 dpi and as a degraded scan, with ground truth, a manifest and checksums.
//
// Run with `node samples/documents/make-documents.ts`. The output is byte-for-byte the same on every run: every
// random choice is seeded from the document id, so `--only QD-01,GP-01 --out /tmp/x` renders exactly the bytes a
// full run commits (the determinism test relies on it).
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { encodeG4Tiff, encodeJpeg, encodePng } from '../render/encoders.ts';
import { layoutDocument, mmToPx, pageMm, pageText, qrQuietModules } from '../render/layout.ts';
import type { PlacedQr } from '../render/layout.ts';
import { paint, rawInput, skew, speckle, toGray } from '../render/raster.ts';
import type { Gray } from '../render/raster.ts';
import { documents } from './document-specs.ts';
import type { Degradation, DocumentSpec } from './document-specs.ts';
import { expectedFields } from './evaluation-truth.ts';
import type { EvaluationDocument, EvaluationTruth, ExpectedQr } from './evaluation-truth.ts';
import { qrFields, qrSymbol, qrText } from './qr-content.ts';

const documentsDir = dirname(fileURLToPath(import.meta.url));
/** Generated sub-folders; the only folders a full run deletes before writing. */
const imageFolders = ['clean', 'degraded'] as const;
/** Degraded JPEGs: quality 60 with mozjpeg's encoder (trellis quantisation, progressive), a third smaller than baseline libjpeg at the same quality. */
const jpegQuality = 60;
/** Scanner dust relative to the sample batch's noisy page (samples/make-samples.ts). */
const dustDensity = 0.3;
/** Worn toner: ink at this fraction of its strength. */
const lightInkStrength = 0.55;
/** A QR must keep this much white between its quiet zone and the edge of a skewed scan. */
const qrEdgeMarginMm = 0.5;

/** FNV-1a of the id: a seed that does not depend on which other documents are rendered. */
function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (const ch of Buffer.from(id, 'utf8')) hash = Math.imul(hash ^ ch, 0x01000193) >>> 0;
  return hash % 1_000_003;
}

/** Names every condition a degraded page went through, in the order they were applied. */
function conditionsOf(d: Degradation): string[] {
  return [
    ...(d.lightInk ? ['light-ink'] : []),
    ...(d.skewDeg ? [`skew${d.skewDeg > 0 ? '+' : ''}${d.skewDeg}`] : []),
    ...(d.blur ? ['blur'] : []),
    ...(d.dpi !== 300 ? [`${d.dpi}dpi`] : []),
    ...(d.noise ? ['noise'] : []),
    ...(d.format === 'jpeg' ? [`jpeg-q${jpegQuality}`] : []),
  ];
}

/** Applies a gray-level curve through a 256-entry table (a callback per pixel would cost seconds per page). */
function mapGray(gray: Gray, curve: (value: number) => number): Gray {
  const table = Uint8Array.from({ length: 256 }, (_, v) => curve(v));
  const data = new Uint8Array(gray.data.length);
  for (let i = 0; i < data.length; i++) data[i] = table[gray.data[i]!]!;
  return { ...gray, data };
}

/** The scan of a worn, slightly misplaced page: ink, skew, optics, sampling, dust, in that order. */
async function degrade(clean: Gray, d: Degradation, seed: number): Promise<Gray> {
  let gray = clean;
  if (d.lightInk) gray = mapGray(gray, (v) => 255 - Math.round((255 - v) * lightInkStrength));
  if (d.skewDeg) gray = await skew(gray, d.skewDeg);
  if (d.blur) gray = await toGray(rawInput(gray).blur(1.1));
  if (d.dpi !== 300) gray = await toGray(rawInput(gray).resize(mmToPx(pageMm.width, d.dpi), mmToPx(pageMm.height, d.dpi), { fit: 'fill', kernel: 'lanczos3' }));
  if (d.noise) gray = speckle(gray, seed * 7919, dustDensity);
  return gray;
}

/**
 * Throws when a skew would carry the QR (with its quiet zone) within `qrEdgeMarginMm` of the page edge: the set
 * promises a readable symbol, so the generator refuses to print one the scanner bed has cut.
 */
function checkQrStaysOnPage(doc: DocumentSpec, qr: PlacedQr, widthPx: number, heightPx: number): void {
  const deg = doc.degraded.skewDeg ?? 0;
  const quiet = qrQuietModules * qr.modulePx;
  const x0 = qr.xPx - quiet;
  const y0 = qr.yPx - quiet;
  const x1 = qr.xPx + qr.size * qr.modulePx + quiet;
  const y1 = qr.yPx + qr.size * qr.modulePx + quiet;
  const theta = (deg * Math.PI) / 180;
  const cx = widthPx / 2;
  const cy = heightPx / 2;
  const marginPx = mmToPx(qrEdgeMarginMm, 300);
  for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]] as const) {
    // Counter-clockwise on the page for a positive angle, with y pointing down.
    const xr = cx + (x - cx) * Math.cos(theta) + (y - cy) * Math.sin(theta);
    const yr = cy - (x - cx) * Math.sin(theta) + (y - cy) * Math.cos(theta);
    if (xr < marginPx || yr < marginPx) throw new Error(`${doc.id}: a skew of ${deg}° pushes the QR code off the page; use a smaller angle`);
  }
}

interface Rendered {
  clean: { file: string; bytes: Buffer };
  degraded: { file: string; bytes: Buffer };
  truth: [EvaluationDocument, EvaluationDocument];
}

async function renderDocument(doc: DocumentSpec): Promise<Rendered> {
  const seed = seedOf(doc.id);
  const qrContent = doc.qrContent;
  const text = qrContent ? qrText(qrContent) : undefined;
  const qr = text !== undefined ? qrSymbol(text) : undefined;
  const draws = await layoutDocument({ ...doc, ...(qr && { qr: qr.symbol }) }, 300);
  const draw = draws[0];
  if (!draw || draws.length !== 1) throw new Error(`${doc.id}: laid out ${draws.length} pages; the set has one page per document, so shorten the body`);
  if (draw.qr) checkQrStaysOnPage(doc, draw.qr, draw.widthPx, draw.heightPx);

  const painted = paint(draw, seed);
  const cleanFile = `clean/${doc.id}.tif`;
  // Bitonal before it reaches libtiff, so the 1-bit reduction is a plain threshold we control.
  const cleanBytes = await encodeG4Tiff([mapGray(painted, (v) => (v < 150 ? 0 : 255))], 300);
  const d = doc.degraded;
  const degradedGray = await degrade(painted, d, seed);
  const degradedFile = `degraded/${doc.id}.${d.format === 'jpeg' ? 'jpg' : 'png'}`;
  const degradedBytes = d.format === 'jpeg' ? await encodeJpeg(degradedGray, d.dpi, jpegQuality, { mozjpeg: true }) : await encodePng(degradedGray, d.dpi);

  const fields = expectedFields(doc);
  const pageTextNfc = pageText(draw.lines);
  const qrAt = (dpi: number): ExpectedQr | null =>
    qr && qrContent && text !== undefined
      ? {
          text,
          format: qrContent.form,
          moduleSizePx: Math.round(((qr.modulePx300 * dpi) / 300) * 100) / 100,
          dpi,
          version: qr.version,
          errorCorrectionLevel: 'M',
          mustDecode: dpi >= 200,
          fields: qrFields(qrContent),
        }
      : null;
  return {
    clean: { file: cleanFile, bytes: cleanBytes },
    degraded: { file: degradedFile, bytes: degradedBytes },
    truth: [
      { id: doc.id, variant: 'clean', kind: doc.kind, file: cleanFile, dpi: 300, conditions: ['clean'], fields, qr: qrAt(300), text: pageTextNfc },
      { id: `${doc.id}-D`, variant: 'degraded', of: doc.id, kind: doc.kind, file: degradedFile, dpi: d.dpi, conditions: conditionsOf(d), fields, qr: qrAt(d.dpi), text: pageTextNfc },
    ],
  };
}

/** Ids and files only: whatever the extractor reports must come from the pages, not from the manifest. */
function manifestOf(rendered: Rendered[]) {
  return {
    batchId: 'documents-eval',
    dossiers: [
      { id: 'DOCS-CLEAN', documents: rendered.map((r) => ({ id: r.truth[0].id, files: [r.clean.file] })) },
      { id: 'DOCS-DEGRADED', documents: rendered.map((r) => ({ id: r.truth[1].id, files: [r.degraded.file] })) },
    ],
  };
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

async function main(): Promise<void> {
  const startedMs = performance.now();
  const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
  const outDir = resolve(values.out ?? documentsDir);
  const only = values.only?.split(',').map((id) => id.trim());
  const selected = only ? documents.filter((doc) => only.includes(doc.id)) : documents;
  if (only && selected.length !== only.length) throw new Error(`unknown document id in --only ${values.only}; known: ${documents.map((d) => d.id).join(', ')}`);
  const ids = new Set(documents.map((d) => d.id));
  if (ids.size !== documents.length) throw new Error('document ids must be unique');

  // One libvips thread, as in make-samples.ts: it leaves the other core to other work; the seeds make the output repeatable.
  sharp.concurrency(1);
  sharp.cache(false);
  const rendered: Rendered[] = [];
  for (const doc of selected) rendered.push(await renderDocument(doc));

  const outputs = new Map<string, Buffer | string>();
  for (const r of rendered) {
    outputs.set(r.clean.file, r.clean.bytes);
    outputs.set(r.degraded.file, r.degraded.bytes);
  }
  if (!only) {
    const truth: EvaluationTruth = { version: 1, documents: rendered.flatMap((r) => r.truth) };
    outputs.set('ground-truth.json', `${JSON.stringify(truth, null, 2)}\n`);
    outputs.set('manifest.json', `${JSON.stringify(manifestOf(rendered), null, 2)}\n`);
    const sums = [...outputs].map(([file, bytes]) => `${sha256(bytes)}  ${file}`).sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
    outputs.set('SHA256SUMS', `${sums.join('\n')}\n`);
    for (const folder of imageFolders) await rm(join(outDir, folder), { recursive: true, force: true });
  }
  for (const [file, bytes] of outputs) {
    await mkdir(dirname(join(outDir, file)), { recursive: true });
    await writeFile(join(outDir, file), bytes);
  }

  let imageBytes = 0;
  for (const r of rendered) {
    for (const [variant, f] of [['clean', r.clean], ['degraded', r.degraded]] as const) {
      imageBytes += f.bytes.length;
      const entry = r.truth[variant === 'clean' ? 0 : 1];
      console.log(`${f.file.padEnd(24)} ${String(f.bytes.length).padStart(8)} B  ${String(entry.dpi).padStart(3)} dpi  ${entry.qr ? `qr:${entry.qr.format.padEnd(5)}` : '        '}  ${entry.conditions.join(' ')}`);
    }
  }
  console.log(`${rendered.length} documents, ${rendered.length * 2} images, ${imageBytes} image bytes, ${Math.round(performance.now() - startedMs)} ms`);
}

await main();
