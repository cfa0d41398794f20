// A queued dossier, run: the handler a worker gives the queue, and the batch report written when a batch's last dossier ends.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Batch, DossierPlan } from '../domain/batch.ts';
import type { BatchReport, DossierReport } from '../domain/record.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { createLimiter, type Limiter } from '../common/limiter.ts';
import { InputError } from '../domain/errors.ts';
import { PdfCache } from '../pdf/pdf-cache.ts';
import type { Pipeline } from './pipeline-file.ts';
import type { SplitOptions } from '../stages/split-stacks.ts';
import { countPages, planBatch } from './plan-batch.ts';
import type { BatchProgress, BatchRunContext } from './run-context.ts';
import { runDossier } from './run-dossier.ts';
import { buildBatchReport, writeBatchReport, writeBatchReportHtml } from '../report/batch-report.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { DossierFailed, failureCode, type DossierHandler, type DossierJob, type DossierOutcome, type JobQueue } from '../queue/job-queue.ts';

/** What a finished dossier job leaves in the queue for the batch report. */
export interface DossierJobResult {
  report: DossierReport;
  pipeline: string;
  startedAt: string;
  finishedAt: string;
}

export interface DossierJobContext {
  ocr: OcrEngine;
  log: Logger;
  /** Scratch folder; each attempt works in a folder of its own under it. */
  workDir: string;
  softwareVersion: string;
  /** Pages in flight in this process, over every dossier it runs: the OCR pool plus one. */
  pages: Limiter;
  pageConcurrency: number;
  /** The batch at `batchUri`, planned and split as the job says (a bucket's batch copied to the work folder once per process). */
  openBatch: (batchUri: string, split?: SplitOptions) => Promise<Batch>;
  /** The store at `outUri`, opened once per process. */
  storeFor: (outUri: string) => ObjectStore;
  /** The pipeline for a dossier: the job's, or the one for the dossier's kind. */
  pipelineFor: (job: DossierJob, dossier: DossierPlan) => Pipeline;
  pdfText?: 'skip' | 'redo' | 'force';
  metrics?: Metrics;
}

/**
 * Runs the job's dossier and resolves with its report. A dossier with documents that failed on bad input throws
 * DossierFailed (no retry; the report goes with it); storage faults throw TransientError (retried); a batch that
 * no longer holds the dossier is an input error. Stops between pages once `signal` aborts (released).
 */
export function dossierJobHandler(ctx: DossierJobContext): DossierHandler {
  return async (job, signal) => {
    const startedAt = new Date();
    const batch = await ctx.openBatch(job.batchUri, job.split);
    let pipelineName = '';
    const report = await runBatchDossier(
      batch,
      job.dossierId,
      {
        store: ctx.storeFor(job.outUri),
        ocr: ctx.ocr,
        workDir: path.join(ctx.workDir, `job-${randomUUID().slice(0, 8)}`),
        log: ctx.log,
        pipelineFor: (dossier) => {
          const pipeline = ctx.pipelineFor(job, dossier);
          pipelineName = pipeline.name;
          return pipeline;
        },
        softwareVersion: ctx.softwareVersion,
        pageConcurrency: ctx.pageConcurrency,
        force: job.force ?? false,
        signal,
        ...(ctx.pdfText ? { pdfText: ctx.pdfText } : {}),
        ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
      },
      ctx.pages,
    );
    const result: DossierJobResult = { report, pipeline: pipelineName, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString() };
    if (report.status === 'failed') throw new DossierFailed(failureSummary(report), result);
    return result;
  };
}

/** "2 of 3 documents failed: BC-21: bc-21-p2.png: cannot read …; …" — what `sohoa status` shows. */
export function failureSummary(report: DossierReport): string {
  const failed = report.documents.filter((d) => d.status === 'failed');
  const reasons = failed.map((d) => `${d.documentId}: ${d.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  return `${failed.length} of ${report.documents.length} documents failed: ${reasons.join(' | ')}`;
}

/** The report part of an outcome: the dossier's own report, or a line saying why it failed as a whole. */
export function dossierReportOf(outcome: DossierOutcome): { report: DossierReport; result?: DossierJobResult } {
  const result = (outcome.result ?? outcome.failure?.outcome) as DossierJobResult | undefined;
  if (result?.report) return { report: result.report, result };
  const reason = outcome.failure ? `${outcome.failure.kind} error after ${outcome.attempts} attempt(s): ${outcome.failure.message}` : `not finished (${outcome.state})`;
  const error = outcome.failure ? { code: failureCode(outcome.failure), kind: outcome.failure.kind, message: outcome.failure.message } : undefined;
  return { report: { dossierId: outcome.job.dossierId, status: 'failed', reason, ...(error ? { error } : {}), documents: [], durationMs: 0 } };
}

/**
 * Builds the batch report from what the queue kept of each dossier and writes `report.json` where the batch's
 * outputs go. The queue's completion claim makes one worker call this per completion.
 */
export async function writeQueuedBatchReport(
  queue: JobQueue,
  batchId: string,
  storeFor: (outUri: string) => ObjectStore,
  html?: { batchRootOf: (batchUri: string) => Promise<string>; lowConfidence: number; softwareVersion: string; log: Logger },
  /** Aborted when this worker's claim on the completion was lost: write nothing more. */
  signal?: AbortSignal,
): Promise<BatchReport> {
  const outcomes = await queue.outcomes(batchId);
  const first = outcomes[0];
  if (!first) throw new Error(`batch ${batchId} has no jobs in the queue; nothing to report`);
  const parts = outcomes.map(dossierReportOf);
  const times = parts.flatMap((p) => (p.result ? [Date.parse(p.result.startedAt), Date.parse(p.result.finishedAt)] : []));
  const now = Date.now();
  const startedAt = new Date(times.length > 0 ? Math.min(...times) : now);
  const finishedAt = new Date(times.length > 0 ? Math.max(...times) : now);
  const pipelines = [...new Set(parts.flatMap((p) => (p.result?.pipeline ? [p.result.pipeline] : [])))].sort();
  const report = buildBatchReport(batchId, pipelines, parts.map((p) => p.report), startedAt, finishedAt);
  const store = storeFor(first.job.outUri);
  signal?.throwIfAborted();
  // report.json first: the batch may have to be fetched for the thumbnails, and the records' report must not wait.
  await writeBatchReport(store, report);
  if (html) {
    const log = html.log.child({ batchId });
    const batchRoot = await html.batchRootOf(first.job.batchUri).catch((err: unknown) => {
      log.warn({ event: 'report.failed', err }, 'report.failed: the batch could not be opened for thumbnails');
      return undefined;
    });
    signal?.throwIfAborted();
    if (batchRoot !== undefined) await writeBatchReportHtml(store, report, { batchRoot, lowConfidence: html.lowConfidence, softwareVersion: html.softwareVersion }, log);
  }
  return report;
}

/**
 * Runs one dossier of a batch, as a queue job does: the same stages, records and skip rule as `runBatch`, for that
 * dossier only, with its own page limiter over the shared OCR pool.
 */
export async function runBatchDossier(batch: Batch, dossierId: string, ctx: BatchRunContext, limiter: Limiter = createLimiter(ctx.pageConcurrency)): Promise<DossierReport> {
  const dossier = batch.dossiers.find((d) => d.id === dossierId);
  if (!dossier) {
    throw new InputError('DOSSIER_NOT_IN_BATCH', `dossier "${dossierId}" is not in batch ${batch.id} (${batch.root}); was the batch changed after it was enqueued? Enqueue it again`);
  }
  const pdfs = ctx.pdfs ?? new PdfCache();
  try {
    const plan = await planBatch({ ...batch, dossiers: [dossier] }, pdfs);
    const progress: BatchProgress = { pagesTotal: countPages(plan), pagesDone: 0, pagesFailed: 0, pagesSkipped: 0 };
    return await runDossier(batch, plan[0]!, { ...ctx, pdfs, log: ctx.log.child({ batchId: batch.id }) }, limiter, progress);
  } finally {
    await pdfs.close();
  }
}
