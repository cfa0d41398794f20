// The batch's plan: every page of every document listed before any is read, with the files that cannot be read.
import type { Batch, DocumentPlan, DossierPlan } from '../domain/batch.ts';
import { errorReport } from '../domain/errors.ts';
import type { PageReport } from '../domain/record.ts';
import type { PdfCache } from '../pdf/pdf-cache.ts';
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
