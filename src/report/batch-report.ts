// The batch report (report.json's content, and report.html beside it), built in one place for sohoa run and the queue.
import type { Logger } from 'pino';
import { batchReportSchema, type BatchReport, type DossierReport, type PageReport } from '../domain/record.ts';
import type { PdfCache } from '../pdf/pdf-cache.ts';
import { objectKeys } from '../storage/keys.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { contentTypes, encodeJson } from '../storage/stored-json.ts';
import { buildReportHtml, writeReportHtml } from './build-report.ts';
import type { PageThumbnails } from './page-thumbnails.ts';

/** The batch report from its dossiers' reports, however they were run (one process or many workers). */
export function buildBatchReport(batchId: string, pipelines: readonly string[], dossiers: DossierReport[], startedAt: Date, finishedAt: Date): BatchReport {
  const documents = dossiers.flatMap((d) => d.documents);
  const pages = documents.flatMap((d) => d.pages);
  return {
    schema: batchReportSchema,
    batchId,
    pipeline: pipelines.join(', '),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    totals: {
      dossiers: dossiers.length,
      documents: documents.length,
      pages: pages.length,
      pagesDone: pages.filter((p) => p.status === 'done').length,
      pagesFailed: pages.filter((p) => p.status === 'failed').length,
      documentsFailed: documents.filter((d) => d.status === 'failed').length,
      dossiersSkipped: dossiers.filter((d) => d.status === 'skipped').length,
      dossiersNotStarted: dossiers.filter((d) => d.status === 'not-started').length,
      documentsNotStarted: documents.filter((d) => d.status === 'not-started').length,
      pagesNotStarted: pages.filter((p) => p.status === 'not-started').length,
    },
    dossiers,
    warnings: [],
  };
}

/** What report.html needs beyond the report: the batch's files (for thumbnails) and the review threshold. */
export interface ReportHtmlSettings {
  batchRoot: string;
  lowConfidence: number;
  softwareVersion: string;
  /** The run's open PDFs, for pages the report has no picture of yet. */
  pdfs?: PdfCache;
  /** The pictures the page runner made while it had each page's image. */
  thumbnails?: PageThumbnails;
}

/** Writes report.json, then (when asked) report.html beside it: the one writer of both, for `sohoa run` and the queue. */
export async function writeBatchReport(store: ObjectStore, report: BatchReport, html?: ReportHtmlSettings & { log: Logger }): Promise<void> {
  await store.put(objectKeys.batchReport(report.batchId), encodeJson(report), { contentType: contentTypes.json });
  if (html) await writeBatchReportHtml(store, report, html, html.log);
}

/**
 * Writes report.html next to report.json. The page for people is worth less than the records, so a failure is
 * logged (`report.failed`) and the batch goes on: report.json stays the authority.
 */
export async function writeBatchReportHtml(
  store: ObjectStore,
  report: BatchReport,
  options: ReportHtmlSettings,
  log: Logger,
): Promise<void> {
  const started = performance.now();
  try {
    const built = await buildReportHtml({ store, batchId: report.batchId, report, ...options, log });
    const stored = await writeReportHtml(store, report.batchId, built.html);
    log.info({ event: 'report.written', key: stored.key, sizeBytes: stored.sizeBytes, pages: built.pages, thumbnails: built.thumbnails, durationMs: Math.round(performance.now() - started) }, 'report.written');
  } catch (err) {
    log.warn({ event: 'report.failed', err }, 'report.failed: report.html could not be written; report.json is complete');
  }
}

/** Pages in their order in the document. */
export function sortPages(pages: PageReport[]): PageReport[] {
  return pages.sort((a, b) => a.pageNumber - b.pageNumber);
}
