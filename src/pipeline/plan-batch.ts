// The batch's plan: every page of every document listed before any is read, with the files that cannot be read.
import type { Batch, DocumentPlan, DossierPlan } from '../domain/batch.ts';
import { errorReport } from '../domain/errors.ts';
import type { DossierReport, PageReport } from '../domain/record.ts';
import type { PdfCache } from '../pdf/pdf-cache.ts';
import { sortPages } from '../report/batch-report.ts';
import { listDocumentPages, type PageSource } from '../stages/ingest.ts';

export interface PlannedDocument {
  document: DocumentPlan;
  pages: PageSource[];
  problems: PageReport[];
}

export interface PlannedDossier {
  dossier: DossierPlan;
  documents: PlannedDocument[];
}

/**
 * Lists every page of every document up front, so progress has a total and bad files are known early. `pdfs`: the
 * run's PDF cache, which keeps what it parsed here for the pages (see `PdfCache`).
 */
export async function planBatch(batch: Batch, pdfs?: PdfCache): Promise<PlannedDossier[]> {
  const plan: PlannedDossier[] = [];
  for (const dossier of batch.dossiers) {
    const documents: PlannedDocument[] = [];
    for (const document of dossier.documents) {
      const listed = await listDocumentPages(batch, dossier, document, pdfs ? { pdfs } : {});
      documents.push({
        document,
        pages: listed.pages,
        problems: listed.problems.map((problem) => ({
          pageNumber: problem.pageNumber ?? 0,
          file: problem.file,
          status: 'failed' as const,
          flags: [],
          error: errorReport(problem.error),
        })),
      });
    }
    plan.push({ dossier, documents });
  }
  return plan;
}

/** Pages the plan holds, readable or not: the run's progress total. */
export function countPages(plan: readonly PlannedDossier[]): number {
  return plan.reduce((n, d) => n + d.documents.reduce((m, doc) => m + doc.pages.length + doc.problems.length, 0), 0);
}

/** A dossier an interrupted run did not publish, with every planned page listed as not started. */
export function notStartedDossier(planned: PlannedDossier, reason: string): DossierReport {
  return {
    dossierId: planned.dossier.id,
    status: 'not-started',
    reason,
    documents: planned.documents.map((doc) => ({
      documentId: doc.document.id,
      status: 'not-started',
      pages: sortPages([
        ...doc.problems,
        ...doc.pages.map((source): PageReport => ({ pageNumber: source.ref.pageNumber, file: source.ref.file, filePageNumber: source.ref.filePageNumber, status: 'not-started', flags: [] })),
      ]),
      errors: [],
    })),
    durationMs: 0,
  };
}
