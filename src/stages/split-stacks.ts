// The split stage: each scanned stack of a batch is read once for its codes and cut into dossiers and documents,
// so the runner then works as if a manifest had named them. On by option (`split:` in the pipeline file, `--split`).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';
import { bool } from '../common/validation.ts';
import type { Batch, DossierPlan, SplitOptions, StackSplitReport } from '../domain/batch.ts';
import { pdfExtensions } from '../domain/batch.ts';
import { describeError, InputError } from '../domain/errors.ts';
import { hasBarPattern } from '../image/bar-pattern.ts';
import { measureBlankPage } from '../image/blank-page.ts';
import type { Logger } from 'pino';
import { openScannedPdf } from '../pdf/read-scanned-pdf.ts';
import type { GrayImage } from '../qr/decode-qr.ts';
import { readSeparatorCodes } from '../qr/read-separators.ts';
import { duplexReadingOrder } from '../split/collate-duplex.ts';
import { patchT, planSplit, type PageScan, type SplitPlan, type SplitRules } from '../split/plan-split.ts';
import type { LoadedBatch } from './ingest.ts';

/** A separator value, or a /pattern/ (an archive serial number, say), checked here so a bad pattern fails at start-up. */
const separatorValue = z
  .string()
  .min(1, { error: 'expected a separator value such as "PATCHT" or a pattern such as "/^ASN-\\\\d+$/"' })
  .refine((value) => compileSeparator(value) !== undefined, { error: 'expected a valid /pattern/ (JavaScript regular expression)' });

/** The stage's options: the only place they are declared (see stages/stage.ts). */
export const splitOptions = z
  .object({
    separator: separatorValue.default(patchT).describe('Value of a generic separator sheet (Code 128, Code 39 or QR), or a /pattern/; it starts a new document'),
    keepSeparator: bool().default(false).describe('Keep generic separator sheets as the first page of their document (cover sheets are always left out)'),
    dropBlankPages: bool().default(false).describe('Leave blank pages out of every stack (the backs of one-sided sheets), each listed in the report'),
    duplex: z.enum(['none', 'odd-then-reversed-even'], { error: 'expected "none" or "odd-then-reversed-even"' }).default('none').describe('"odd-then-reversed-even": the stack is the fronts, then the backs scanned last page first; pages are collated before the cut'),
  })
  .strict() satisfies z.ZodType<SplitOptions, unknown>;

export type { SplitOptions };

export const splitStage = {
  name: 'split' as const,
  description: 'Cuts scanned stacks into dossiers and documents on cover sheets, separator sheets and the dossier QR code (optional; off when absent)',
  options: splitOptions,
  run: (loaded: LoadedBatch, ctx: { options: SplitOptions; log: Logger }) => splitStacks(loaded, ctx.options, ctx.log),
};

function compileSeparator(value: string): string | RegExp | undefined {
  const pattern = /^\/(.+)\/([imsu]*)$/s.exec(value);
  if (!pattern) return value;
  try {
    return new RegExp(pattern[1]!, pattern[2]);
  } catch {
    return undefined;
  }
}

export function splitRules(options: SplitOptions): SplitRules {
  return { separator: compileSeparator(options.separator) ?? patchT, keepSeparator: options.keepSeparator, dropBlankPages: options.dropBlankPages };
}

/** The resolution pages are read at for their codes: a sheet's code is large, and 150 dpi is a fax. */
const readDpi = 150;

/**
 * Splits the stacks of a loaded batch: the files its manifest marks as stacks, or, with `options` and no
 * manifest, every file. Without a stack and without options the batch is returned as it is. A stack in which no
 * cut is found is an error (SPLIT_NO_SEPARATOR), not one silent dossier; it, or a stack that cannot be read,
 * fails alone with its error in `split.stacks`, and the batch goes on, even with no dossier left to run.
 */
export async function splitStacks(loaded: LoadedBatch, options: SplitOptions | undefined, log?: Logger): Promise<LoadedBatch> {
  const { batch } = loaded;
  const marked = batch.stacks ?? [];
  if (marked.length === 0 && options === undefined) return loaded;
  if (marked.length === 0 && batch.manifestFile) {
    return { ...loaded, warnings: [...loaded.warnings, `split ignored: ${batch.manifestFile} already groups the pages into dossiers (mark the files to cut under "stacks")`] };
  }
  const resolved = options ?? splitOptions.parse({});
  const files = marked.length > 0 ? marked : [...new Set(batch.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.sources.map((s) => s.file))))].sort();
  const dossiers: DossierPlan[] = marked.length > 0 ? [...batch.dossiers] : [];
  const stacks: StackSplitReport[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    const started = performance.now();
    let cut: Awaited<ReturnType<typeof cutStack>>;
    try {
      cut = await cutStack(batch, file, resolved);
    } catch (err) {
      // One stack that cannot be cut (or read) fails alone; the other stacks of the batch go on. A fault of the
      // machine (a full disk) is not the stack's and stops the batch.
      if (!(err instanceof InputError)) throw err;
      stacks.push({ file, pages: 0, cuts: [], blankPagesLeftOut: [], review: [], error: { code: err.code, message: err.message }, durationMs: Math.round(performance.now() - started) });
      warnings.push(`${file}: split: ${err.code}: ${err.message}`);
      log?.warn({ event: 'stack.failed', batchId: batch.id, file, code: err.code }, `stack.failed: ${err.message}`);
      continue;
    }
    const { plan, order, pageCount } = cut;
    const ids = new Map<string, string>();
    for (const dossier of plan.dossiers) {
      const planned = dossierPlan(file, dossier, order, dossiers);
      ids.set(dossier.id, planned.id);
      dossiers.push(planned);
    }
    const report = stackReport(file, pageCount, plan, order, ids, resolved, Math.round(performance.now() - started));
    stacks.push(report);
    warnings.push(...describeStack(report));
    log?.info({ event: 'stack.split', batchId: batch.id, file, pages: pageCount, dossiers: plan.dossiers.length, cuts: plan.cuts.length, review: plan.review.length, durationMs: report.durationMs }, 'stack.split');
  }
  // Every stack failed: the batch has no dossier, and its report still says why, stack by stack.
  const { stacks: _cut, ...rest } = batch;
  return { batch: { ...rest, dossiers, split: { stacks } }, warnings: [...loaded.warnings, ...warnings] };
}

async function cutStack(batch: Batch, file: string, options: SplitOptions): Promise<{ plan: SplitPlan; order: number[]; pageCount: number }> {
  const scans = await scanPages(path.join(batch.root, ...file.split('/')), file);
  const order = duplexReadingOrder(scans.length, options.duplex);
  if (!order) {
    throw new InputError('SPLIT_DUPLEX_UNEVEN', `${file}: duplex "${options.duplex}" needs an even number of pages (the fronts, then as many backs) but the file has ${scans.length}; scan the backs of every sheet, or set duplex: none`, { file });
  }
  const plan = planSplit(order.map((index) => scans[index]!), splitRules(options), order.map((index) => index + 1));
  if (plan.cuts.length === 0) {
    throw new InputError('SPLIT_NO_SEPARATOR', `${file}: no cover sheet, separator or dossier QR code on any of its ${scans.length} pages, so the stack cannot be split; check that the sheets were scanned with it, or run it without split`, { file });
  }
  return { plan, order, pageCount: scans.length };
}

function dossierPlan(file: string, dossier: SplitPlan['dossiers'][number], order: readonly number[], before: readonly DossierPlan[]): DossierPlan {
  // Two stacks (or a stack and the manifest) may carry the same dossier code: the second is kept apart, suffixed.
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
      sources: [{ file, pages: document.pages.map((page) => order[page]! + 1) }],
    })),
  };
}

/** The stack as the batch report shows it: pages of the file counted from 1, ids as planned. */
function stackReport(file: string, pageCount: number, plan: SplitPlan, order: readonly number[], ids: ReadonlyMap<string, string>, options: SplitOptions, durationMs: number): StackSplitReport {
  const filePage = (page: number) => order[page]! + 1;
  return {
    file,
    pages: pageCount,
    ...(options.duplex !== 'none' ? { collated: options.duplex } : {}),
    cuts: plan.cuts.map((cut) => ({
      page: filePage(cut.page),
      rule: cut.rule,
      value: cut.value,
      starts: cut.starts,
      sheetLeftOut: cut.dropped,
      ...(cut.dossierId !== undefined ? { dossierId: ids.get(cut.dossierId) ?? cut.dossierId } : {}),
      ...(cut.documentId !== undefined ? { documentId: cut.documentId } : {}),
    })),
    blankPagesLeftOut: plan.blankPagesDropped.map(filePage),
    review: plan.review.map((doubt) => ({ ...(doubt.page !== undefined ? { page: filePage(doubt.page) } : {}), kind: doubt.kind, reason: doubt.reason })),
    durationMs,
  };
}

/** The cuts and the doubts, as lines of the report's warnings and of the log. */
function describeStack(stack: StackSplitReport): string[] {
  const rule = { 'cover-sheet': 'cover sheet', 'circular-01-2023': 'Circular 01/2023 QR', separator: 'separator' } as const;
  const cuts = stack.cuts.map((cut) => `${stack.file} page ${cut.page}: split: new ${cut.starts} (${rule[cut.rule]} ${JSON.stringify(cut.value)})${cut.sheetLeftOut ? ', sheet left out' : ''}`);
  const blanks = stack.blankPagesLeftOut.length > 0 ? [`${stack.file}: split: blank pages left out: ${stack.blankPagesLeftOut.join(', ')}`] : [];
  return [...cuts, ...blanks, ...stack.review.map((doubt) => `${stack.file}${doubt.page !== undefined ? ` page ${doubt.page}` : ''}: split: to review: ${doubt.reason}`)];
}

/** Each page's codes and blankness, read at `readDpi` gray: TIFF and other images by sharp's pages, PDFs rendered or taken out. */
async function scanPages(fullPath: string, file: string): Promise<PageScan[]> {
  const isPdf = (pdfExtensions as readonly string[]).includes(path.extname(file).toLowerCase());
  const scans: PageScan[] = [];
  if (!isPdf) {
    const pages = (await readable(file, undefined, () => sharp(fullPath).metadata())).pages ?? 1;
    for (let page = 0; page < pages; page++) scans.push(await readable(file, page, async () => scanPage(await grayOf(sharp(fullPath, { page })))));
    return scans;
  }
  const pdf = await openScannedPdf(fullPath, { name: file });
  let scratch: string | undefined;
  try {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-split-'));
    for (let page = 0; page < pdf.pageCount; page++) {
      const extracted = await pdf.extractPage(page, scratch, { renderDpi: readDpi, name: file });
      scans.push(await readable(file, page, async () => scanPage(await grayOf(sharp(extracted.imagePath)))));
      await rm(extracted.imagePath, { force: true });
    }
    return scans;
  } finally {
    await pdf.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/** A page the image library cannot read fails its stack with the file and page named, not the batch. */
async function readable<T>(file: string, page: number | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InputError) throw err;
    const where = page === undefined ? file : `${file} page ${page + 1}`;
    const [code, what] = page === undefined ? (['IMAGE_UNREADABLE', 'cannot be read as an image'] as const) : (['IMAGE_UNDECODABLE', 'cannot be decoded'] as const);
    throw new InputError(code, `${where}: ${what} to look for its separators (${describeError(err)}); the stack was not split: rescan or re-export it, or remove it from the batch`, { file, ...(page === undefined ? {} : { pageNumber: page + 1 }) }, { cause: err });
  }
}

/**
 * A page whose ink covers less than this share of it, and is not blank, is a likely separator sheet (a barcode
 * and a line or two: about 1 %); a typed page covers 4–10 %. Those pages get the larger and cleaned looks too.
 */
const sparseInkFraction = 0.03;

/**
 * One page of a stack: its codes, and whether it is blank. Blankness is judged as if the page were A4-wide (the
 * image's own resolution is often missing or wrong); the hard looks run where the quick one saw a symbol it could
 * not read, and on sparse pages, where a turned or small 1-D code is the likely content.
 */
export async function scanPage(gray: GrayImage): Promise<PageScan> {
  const small = gray.widthPx > 1300 ? await scaled(gray, 1240) : gray;
  const ink = measureBlankPage(small.data, small.widthPx, small.heightPx, small.widthPx / (210 / 25.4));
  const codes = await readSeparatorCodes(gray, { tryHard: !ink.blank && ink.inkFraction < sparseInkFraction });
  if (codes.length > 0) return { codes, blank: false };
  if (ink.blank) return { codes, blank: true };
  // No symbol at all, yet bars: a 1-D code torn or covered past what the reader reports. A doubt, never a cut.
  const bars = hasBarPattern(small.data, small.widthPx, small.heightPx, small.widthPx / (210 / 25.4), ink.inkBelow);
  return { codes: bars ? [{ text: '', format: 'barcode', valid: false }] : [], blank: false };
}

async function scaled(gray: GrayImage, widthPx: number): Promise<GrayImage> {
  return grayOf(sharp(gray.data, { raw: { width: gray.widthPx, height: gray.heightPx, channels: 1 } }).resize(widthPx));
}

async function grayOf(image: Sharp): Promise<GrayImage> {
  const { data, info } = await image.autoOrient().flatten({ background: '#ffffff' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}
