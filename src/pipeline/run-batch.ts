// The batch runner, a table of contents: plan the pages, run each dossier, then write the batch report.
/*
 * The work is one level down: plan-batch.ts lists the pages, run-dossier.ts runs a dossier (skip rule, records),
 * run-document.ts a document (fields, PDF/A, store), run-page.ts a page (normalize, OCR, QR codes);
 * report/batch-report.ts builds the report for both this runner and the queue's workers.
 */
import type { Batch } from '../domain/batch.ts';
import type { BatchReport, DossierReport } from '../domain/record.ts';
import { PdfCache } from '../pdf/pdf-cache.ts';
import { buildBatchReport, writeBatchReport } from '../report/batch-report.ts';
import { PageThumbnails } from '../report/page-thumbnails.ts';
import { objectKeys } from '../storage/keys.ts';
import { createLimiter } from '../common/limiter.ts';
import { countPages, notStartedDossier, planBatch } from './plan-batch.ts';
import type { BatchProgress, BatchRunContext } from './run-context.ts';
import { settledOrThrow } from './run-document.ts';
import { runDossier } from './run-dossier.ts';

/**
 * Dossiers in progress at once. The pages of both share one page limiter, in arrival order: the second dossier's
 * pages wait behind the first's and fill the OCR pool while the first dossier's last pages finish and its records
 * are written, instead of leaving the engine idle at every dossier boundary.
 */
const DOSSIERS_AT_ONCE = 2;

export type { BatchRunContext } from './run-context.ts';

export async function runBatch(batch: Batch, ctx: BatchRunContext, warnings: string[] = []): Promise<BatchReport> {
  const pdfs = ctx.pdfs ?? new PdfCache();
  try {
    return await runPlannedBatch(batch, { ...ctx, pdfs, ...(ctx.htmlReport ? { thumbnails: ctx.thumbnails ?? new PageThumbnails() } : {}) }, warnings);
  } finally {
    await pdfs.close();
  }
}

/** The batch with the run's PDF cache (and picture store, for report.html) in `ctx`. */
async function runPlannedBatch(batch: Batch, ctx: BatchRunContext & Required<Pick<BatchRunContext, 'pdfs'>>, warnings: string[]): Promise<BatchReport> {
  const startedAt = new Date();
  const log = ctx.log.child({ batchId: batch.id });
  const plan = await planBatch(batch, ctx.pdfs);
  const progress: BatchProgress = { pagesTotal: countPages(plan), pagesDone: 0, pagesFailed: 0, pagesSkipped: 0 };
  log.info({ event: 'batch.started', dossiers: plan.length, pages: progress.pagesTotal, store: ctx.store.location }, 'batch.started');
  ctx.onProgress?.(progress);

  const limiter = createLimiter(ctx.pageConcurrency);
  const dossierSlots = createLimiter(DOSSIERS_AT_ONCE);
  // A dossier that fails for a bug or an outage stops the batch as before: no dossier starts after it.
  let failed = false;
  const runOne = async (planned: (typeof plan)[number]): Promise<DossierReport> => {
    if (ctx.signal?.aborted || failed) return notStartedDossier(planned, 'the run was stopped before this dossier began; run the same command again to do it');
    try {
      return await runDossier(batch, planned, { ...ctx, log }, limiter, progress);
    } catch (err) {
      if (!ctx.signal?.aborted) {
        failed = true;
        throw err;
      }
      // Abandoned: documents it finished may be stored, but without dossier.json nothing of it is published.
      log.warn({ event: 'dossier.abandoned', dossierId: planned.dossier.id }, 'dossier.abandoned: the run was stopped; the next run redoes this dossier');
      return notStartedDossier(planned, 'the run was stopped while this dossier was in progress; nothing of it is published, and the next run redoes it');
    }
  };
  // Settled, so that a dossier that fails for a bug does not leave the other one writing behind the error.
  const dossiers = settledOrThrow(await Promise.allSettled(plan.map((planned) => dossierSlots(() => runOne(planned)))));

  const pipelines = [...new Set(batch.dossiers.map((d) => ctx.pipelineFor(d).name))];
  const built = buildBatchReport(batch.id, pipelines, dossiers, startedAt, new Date());
  const report: BatchReport = { ...built, warnings, ...(batch.split ? { split: batch.split } : {}), ...(ctx.signal?.aborted ? { interrupted: { signal: String(interruptionOf(ctx.signal)) } } : {}) };
  // A run that found every dossier complete writes nothing at all, not even a new report.
  const changed = dossiers.some((d) => d.status !== 'skipped');
  if (changed || !(await ctx.store.exists(objectKeys.batchReport(batch.id)))) {
    await writeBatchReport(ctx.store, report, ctx.htmlReport ? { ...ctx.htmlReport, softwareVersion: ctx.softwareVersion, log, pdfs: ctx.pdfs, ...(ctx.thumbnails ? { thumbnails: ctx.thumbnails } : {}) } : undefined);
  }
  // maxRSS is the process's peak resident memory so far (KiB on Linux), OCR worker threads included.
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  log.info({ event: 'batch.finished', durationMs: report.durationMs, maxRssMiB, ...report.totals }, 'batch.finished');
  return report;
}

/** What stopped the run: the signal's name when the CLI aborted with one. */
function interruptionOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'stopped';
}
