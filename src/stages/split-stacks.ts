// `--split`: each scan file of a batch without a manifest is a stack; its pages' codes cut it into dossiers.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Batch, DossierPlan } from '../domain/batch.ts';
import { pdfExtensions } from '../domain/batch.ts';
import { InputError } from '../domain/errors.ts';
import { openScannedPdf } from '../pdf/read-scanned-pdf.ts';
import type { GrayImage } from '../qr/decode-qr.ts';
import { readSeparatorCodes } from '../qr/read-separators.ts';
import { planSplit, type SplitPlan, type SplitRules } from '../split/plan-split.ts';

/** What the split made of a batch: the new plan, and every cut and doubt as report warnings, by file and page. */
export interface SplitBatch {
  batch: Batch;
  warnings: string[];
}

/** The resolution pages are read at for their codes: a sheet's code is large, and 150 dpi is a fax. */
const readDpi = 150;

/**
 * Reads every page of every stack once for its codes, cuts it, and plans the dossiers as sources with page
 * numbers, so the runner then works as if a manifest had named them. A stack in which no cut is found is an
 * error (SPLIT_NO_SEPARATOR), not one silent dossier.
 */
export async function splitStacks(batch: Batch, rules: SplitRules = {}): Promise<SplitBatch> {
  const files = [...new Set(batch.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.sources.map((s) => s.file))))].sort();
  const dossiers: DossierPlan[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    const codes = await pageCodes(path.join(batch.root, ...file.split('/')), file);
    const plan = planSplit(codes, rules);
    if (plan.cuts.length === 0) {
      throw new InputError('SPLIT_NO_SEPARATOR', `${file}: no cover sheet, separator or dossier QR code on any of its ${codes.length} pages, so the stack cannot be split; check that the sheets were scanned with it, or run it without --split`, { file });
    }
    warnings.push(...describePlan(file, plan));
    dossiers.push(...plan.dossiers.map((dossier) => dossierPlan(file, dossier, dossiers)));
  }
  return { batch: { ...batch, dossiers }, warnings };
}

function dossierPlan(file: string, dossier: SplitPlan['dossiers'][number], before: readonly DossierPlan[]): DossierPlan {
  // Two stacks may carry the same dossier code: the second keeps its pages apart under a suffixed id.
  const taken = new Set(before.map((d) => d.id));
  let id = dossier.id;
  for (let n = 2; taken.has(id); n++) id = `${dossier.id}-${n}`;
  return {
    id,
    code: dossier.code,
    kind: dossier.kind ?? 'component',
    ...(dossier.title ? { title: dossier.title } : {}),
    metadata: {},
    documents: dossier.documents.map((document) => ({
      id: document.id,
      ...(document.title ? { title: document.title } : {}),
      metadata: (document.type ? { documentType: document.type } : {}) as Record<string, string>,
      sources: [{ file, pages: document.pages.map((page) => page + 1) }],
    })),
  };
}

/** The cuts and the doubts, as the batch report lists them. */
function describePlan(file: string, plan: SplitPlan): string[] {
  const rule = { 'cover-sheet': 'cover sheet', 'circular-01-2023': 'Circular 01/2023 QR', separator: 'separator' } as const;
  const cuts = plan.cuts.map((cut) => `${file} page ${cut.page + 1}: split: new ${cut.starts} (${rule[cut.rule]} ${JSON.stringify(cut.value)})${cut.dropped ? ', sheet left out' : ''}`);
  return [...cuts, ...plan.review.map((doubt) => `${file}: split: to review: ${doubt}`)];
}

/** Each page's codes, read at `readDpi` gray: TIFF and other images by sharp's pages, PDFs rendered or taken out. */
async function pageCodes(fullPath: string, file: string) {
  const isPdf = (pdfExtensions as readonly string[]).includes(path.extname(file).toLowerCase());
  const codes: Array<Awaited<ReturnType<typeof readSeparatorCodes>>> = [];
  if (!isPdf) {
    const pages = (await sharp(fullPath).metadata()).pages ?? 1;
    for (let page = 0; page < pages; page++) codes.push(await readSeparatorCodes(await grayOf(sharp(fullPath, { page }))));
    return codes;
  }
  const pdf = await openScannedPdf(fullPath, { name: file });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-split-'));
  try {
    for (let page = 0; page < pdf.pageCount; page++) {
      const extracted = await pdf.extractPage(page, scratch, { renderDpi: readDpi, name: file });
      codes.push(await readSeparatorCodes(await grayOf(sharp(extracted.imagePath))));
      await rm(extracted.imagePath, { force: true });
    }
    return codes;
  } finally {
    await pdf.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function grayOf(image: Sharp): Promise<GrayImage> {
  const { data, info } = await image.autoOrient().flatten({ background: '#ffffff' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}
