// The page runner: one page from its source to its words (PDF page taken out, normalized, recognized, QR codes found), counted and logged.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { errorReport, SohoaError } from '../domain/errors.ts';
import type { NormalizedPage, PageCode, PageStep, RecognizedPage, StepTimes, Word } from '../domain/page.ts';
import { roundedSteps, stepClock, type StepClock } from '../common/step-clock.ts';
import type { PageReport, PageWarning } from '../domain/record.ts';
import { blankHeadingParts } from '../extract/blank-heading.ts';
import type { ScannedPdf } from '../pdf/read-scanned-pdf.ts';
import { pictureTurn } from '../report/page-thumbnails.ts';
import { findPageCodes } from '../stages/extract.ts';
import type { PageSource } from '../stages/ingest.ts';
import { normalizeStage, type NormalizedPageResult } from '../stages/normalize.ts';
import { recognizeStage } from '../stages/recognize.ts';
import type { Pipeline } from './pipeline-file.ts';
import { stageContext, type BatchProgress, type BatchRunContext } from './run-context.ts';

export type PageOutcome = { ok: true; page: RecognizedPage } | { ok: false; report: PageReport };

export async function runPage(
  source: PageSource,
  ctx: BatchRunContext,
  pipeline: Pipeline,
  workDir: string,
  documentLog: Logger,
  progress: BatchProgress,
  openPdf: (source: PageSource) => Promise<ScannedPdf>,
): Promise<PageOutcome> {
  const log = documentLog.child({ pageNumber: source.ref.pageNumber, file: source.ref.file, filePageNumber: source.ref.filePageNumber });
  const at = { stage: 'ingest' };
  try {
    const page = await readPage(source, ctx, pipeline, workDir, log, openPdf, at);
    progress.pagesDone++;
    ctx.onProgress?.(progress);
    ctx.metrics?.pageDone({ normalizeMs: page.durationMs, recognizeMs: page.ocrDurationMs, meanConfidence: page.meanConfidence, inputBytes: source.inputBytes });
    log.info(
      { event: 'page.done', qrCodes: page.codes?.length ?? 0, rotationDeg: page.rotationDeg, skewDeg: Math.round(page.skewDeg * 100) / 100, meanConfidence: Math.round(page.meanConfidence), words: page.words.length, normalizeMs: Math.round(page.durationMs), recognizeMs: Math.round(page.ocrDurationMs), steps: roundedSteps(page.stepsMs ?? {}) },
      'page.done',
    );
    return { ok: true, page };
  } catch (err) {
    progress.pagesFailed++;
    ctx.onProgress?.(progress);
    if (err instanceof SohoaError && err.retryable) throw err;
    const error = errorReport(err);
    ctx.metrics?.pageFailed(error.kind);
    if (error.kind === 'input') log.warn({ event: 'page.failed', stage: at.stage, code: error.code, reason: error.message }, 'page.failed');
    else log.error({ event: 'page.failed', stage: at.stage, code: error.code, err }, 'page.failed: internal error');
    return {
      ok: false,
      report: {
        pageNumber: source.ref.pageNumber,
        file: source.ref.file,
        filePageNumber: source.ref.filePageNumber,
        status: 'failed',
        flags: [],
        error,
      },
    };
  }
}

/**
 * One page from its source to its words: the PDF text layer kept where `pageInput` keeps it, else normalized and
 * recognized, with its QR codes found meanwhile. `at.stage` names the step under way, for the error report.
 */
export async function readPage(
  source: PageSource,
  ctx: Pick<BatchRunContext, 'ocr' | 'store' | 'pdfText' | 'thumbnails'>,
  pipeline: Pipeline,
  workDir: string,
  log: Logger,
  openPdf: (source: PageSource) => Promise<ScannedPdf>,
  at: { stage: string } = { stage: 'ingest' },
): Promise<RecognizedPage> {
  const extractStarted = performance.now();
  const input = await pageInput(source, ctx, workDir, openPdf);
  const extractMs = input.source.path === source.path ? undefined : performance.now() - extractStarted;
  at.stage = 'normalize';
  // A page whose PDF text is kept must not move under that text: no turn, no deskew.
  const keepText = input.text !== undefined;
  const options = keepText ? { ...pipeline.stages.normalize, orientation: false, deskew: false } : pipeline.stages.normalize;
  // The decoded page goes to the QR search only, and is let go of once the search has it: held by the page that
  // carries on, it would stay through OCR and until assembly.
  let { upright, ...normalized } = await normalizeStage.run(input.source, stageContext(ctx, options, log, workDir));
  normalized.warnings.unshift(...input.warnings);
  for (const warning of normalized.warnings) log.warn({ event: 'page.warning', stage: at.stage }, warning);
  // A PDF page's picture for report.html, from the page just taken out: the report need not take it out again.
  const picture = input.source.path === source.path ? undefined : ctx.thumbnails?.add(source.ref.file, source.ref.filePageNumber, input.source.path, pictureTurn(normalized));
  at.stage = 'recognize';
  const clock = stepClock<PageStep>();
  const codes = pipeline.stages.extract.qr ? findCodes(clock, normalized, upright) : Promise.resolve(undefined);
  codes.catch(() => undefined); // awaited below; a rejection must not go unhandled while OCR runs
  upright = undefined; // the search holds its own reference until it is done; OCR does not need the pixels
  const recognized = input.text ? keptTextPage(normalized, input.text, input.widthPx) : await recognizeStage.run(normalized, stageContext(ctx, pipeline.stages.recognize, log, workDir));
  at.stage = 'extract';
  const found = await codes;
  await picture;
  const stepsMs: StepTimes = { ...(extractMs === undefined ? {} : { extract: extractMs }), ...normalized.stepsMs, ...recognized.stepsMs, ...clock.ms };
  return { ...recognized, stepsMs, ...(found ? { codes: found } : {}) };
}

/** Outside `readPage`, so that no closure of it keeps the decoded page alive while the page waits for OCR. */
function findCodes(clock: StepClock<PageStep>, page: NormalizedPage, upright: NormalizedPageResult['upright']): Promise<PageCode[]> {
  return clock.time('qr', () => findPageCodes(page, upright));
}

interface PageInput {
  source: PageSource;
  warnings: string[];
  /** Words of a PDF page's own text layer, kept instead of OCR (`--pdf-text skip`). */
  text?: Word[];
  /** Width of the image the kept words were measured on. */
  widthPx: number;
}

/** Image files are read where they are; a PDF page's image is taken out (or rendered) into the work folder first. */
async function pageInput(source: PageSource, ctx: Pick<BatchRunContext, 'pdfText'>, workDir: string, openPdf: (source: PageSource) => Promise<ScannedPdf>): Promise<PageInput> {
  if (!source.path.toLowerCase().endsWith('.pdf')) return { source, warnings: [], widthPx: 0 };
  const outDir = path.join(workDir, `p${String(source.ref.pageNumber).padStart(4, '0')}-pdf`);
  await mkdir(outDir, { recursive: true });
  const extracted = await (await openPdf(source)).extractPage(source.pageIndex, outDir, { name: source.ref.file });
  const skip = extracted.text.hasText && (ctx.pdfText ?? 'skip') === 'skip';
  const blanks = skip ? blankHeadingParts(textLines(extracted.text.words)) : [];
  const keep = skip && blanks.length === 0;
  const warnings = [...extracted.warnings];
  if (keep) warnings.push('the PDF page already has text; it was kept and the page was not OCRed (--pdf-text redo to read it again)');
  if (skip && !keep) {
    warnings.push(`the PDF page's text leaves the ${blanks.join(' and ')} of its heading blank (an e-office system stamps them in when it signs): the page, as a reader shows it, is read by OCR`);
  }
  return {
    source: { ...source, path: extracted.imagePath, pageIndex: 0, dpi: extracted.dpi, inputBytes: extracted.inputBytes, ...(extracted.storeAs ? { storeAs: extracted.storeAs } : {}), ...(extracted.jbig2 ? { jbig2: extracted.jbig2 } : {}) },
    warnings,
    ...(keep ? { text: extracted.text.words } : {}),
    widthPx: extracted.widthPx,
  };
}

/** The words' text, a line each, in the order of their line indexes. */
function textLines(words: readonly Word[]): string[] {
  const lines = new Map<number, string[]>();
  for (const w of words) lines.set(w.lineIndex, [...(lines.get(w.lineIndex) ?? []), w.text]);
  return [...lines.entries()].sort(([a], [b]) => a - b).map(([, line]) => line.join(' '));
}

/** A page that keeps its PDF text: the words are moved onto the OCR image's pixel grid, as OCR words would be. */
function keptTextPage(page: NormalizedPageResult, words: Word[], measuredWidthPx: number): RecognizedPage {
  const scale = measuredWidthPx > 0 ? page.ocrWidthPx / measuredWidthPx : 1;
  const placed = words.map((w) => ({ ...w, box: { x0: w.box.x0 * scale, y0: w.box.y0 * scale, x1: w.box.x1 * scale, y1: w.box.y1 * scale } }));
  const text = textLines(placed).join('\n').normalize('NFC');
  return { ...page, words: placed, text, meanConfidence: placed.length > 0 ? 100 : 0, ocrDurationMs: 0 };
}

/** A recognized page as the batch report lists it. */
export function donePage(page: RecognizedPage, flags: string[], warnings: PageWarning[] = []): PageReport {
  return {
    pageNumber: page.ref.pageNumber,
    file: page.ref.file,
    filePageNumber: page.ref.filePageNumber,
    status: 'done',
    meanConfidence: Math.round(page.meanConfidence * 10) / 10,
    flags,
    ...(warnings.length > 0 ? { warnings } : {}),
    timings: { normalizeMs: Math.round(page.durationMs), recognizeMs: Math.round(page.ocrDurationMs) },
  };
}
