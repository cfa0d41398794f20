// What a batch run hands its dossier, document and page runners: the ports, the options and the progress counters.
import type { Logger } from 'pino';
import type { DossierPlan } from '../domain/batch.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { PdfCache } from '../pdf/pdf-cache.ts';
import type { PageThumbnails } from '../report/page-thumbnails.ts';
import type { StageContext } from '../stages/stage.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Pipeline } from './pipeline-file.ts';

export interface BatchProgress {
  pagesTotal: number;
  pagesDone: number;
  pagesFailed: number;
  /** Pages of dossiers already complete from an earlier run. */
  pagesSkipped: number;
}

export interface BatchRunContext {
  store: ObjectStore;
  ocr: OcrEngine;
  /** Scratch folder for page intermediates; emptied per document. */
  workDir: string;
  log: Logger;
  pipelineFor: (dossier: DossierPlan) => Pipeline;
  softwareVersion: string;
  /** Pages in flight at once: the OCR pool size plus one keeps the pool fed while a page is normalized. */
  pageConcurrency: number;
  /** Redo dossiers even when their record says they are complete. */
  force: boolean;
  onProgress?: (progress: BatchProgress) => void;
  /** Object-lock mode; each dossier's objects are then locked for its retention period. Off when absent. */
  objectLock?: 'GOVERNANCE' | 'COMPLIANCE';
  /** PDF pages that already carry text: `skip` keeps that text and does not OCR the page; `redo`/`force` OCR it. */
  pdfText?: 'skip' | 'redo' | 'force';
  /** Aborted when a queue job is released: no page starts after it, and the dossier record is not written. */
  signal?: AbortSignal;
  /** Prometheus metrics of the process; pages, documents and dossiers are counted as they end. */
  metrics?: Metrics;
  /** Writes report.html beside report.json (off for runs that only want the records). */
  htmlReport?: { batchRoot: string; lowConfidence: number };
  /**
   * The run's open PDFs, each parsed once for the plan, its pages and the report. Give the one ingest used, so its
   * parses are handed on; the batch run makes one when absent, and closes it (given or made) when it ends.
   */
  pdfs?: PdfCache;
  /** Pictures of PDF pages for report.html, made while the page is taken out (set by the batch run with `htmlReport`). */
  thumbnails?: PageThumbnails;
}

/** A stage's context at one step of the run: the run's ports with the stage's options, log and scratch folder. */
export function stageContext<Options>(ctx: Pick<BatchRunContext, 'ocr' | 'store'>, options: Options, log: Logger, workDir: string): StageContext<Options> {
  return { options, log, ocr: ctx.ocr, store: ctx.store, workDir };
}
