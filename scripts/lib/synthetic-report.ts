// Batch reports made to order for the report tests and the report benchmark: a few pages with hostile names, or a 500-page batch.
import type { BatchReport, DocumentReport, DossierReport, PageReport } from '../../src/domain/record.ts';
import { buildBatchReport } from '../../src/report/batch-report.ts';
import type { ReportDocument, ReportPage } from '../../src/report/report-html.ts';

export interface SyntheticReportOptions {
  pages: number;
  pagesPerDocument?: number;
  documentsPerDossier?: number;
  /** Every n-th page fails with an input error (0: none). */
  failEvery?: number;
  /** Thumbnails given to the pages in turn; none when empty. */
  thumbnails?: ReadonlyArray<ReportPage['thumbnail']>;
}

/** A deterministic batch: confidences, flags and failures follow the page index, so tests can compute expectations. */
export function syntheticReport(options: SyntheticReportOptions): { report: BatchReport; documents: ReportDocument[] } {
  const perDocument = options.pagesPerDocument ?? 5;
  const perDossier = options.documentsPerDossier ?? 10;
  const failEvery = options.failEvery ?? 0;
  const thumbnails = options.thumbnails ?? [];
  const dossiers: DossierReport[] = [];
  const documents: ReportDocument[] = [];
  let index = 0;
  while (index < options.pages) {
    const dossierId = `HS-${String(dossiers.length + 1).padStart(4, '0')}`;
    const dossier: DossierReport = { dossierId, status: 'done', documents: [], durationMs: 1000 };
    dossiers.push(dossier);
    while (dossier.documents.length < perDossier && index < options.pages) {
      const documentId = `VB-${String(dossier.documents.length + 1).padStart(3, '0')}`;
      const pages: PageReport[] = [];
      const extra: ReportPage[] = [];
      for (let pageNumber = 1; pageNumber <= perDocument && index < options.pages; pageNumber++, index++) {
        const file = `${dossierId}/${documentId.toLowerCase()}-p${pageNumber}.png`;
        const thumbnail = thumbnails.length > 0 ? thumbnails[index % thumbnails.length] : undefined;
        extra.push({ pageNumber, ...(thumbnail ? { thumbnail } : {}), dpi: index % 11 === 0 ? 150 : 300, rotationDeg: index % 13 === 0 ? 90 : 0, skewDeg: 0.04 });
        if (failEvery > 0 && index % failEvery === failEvery - 1) {
          pages.push({ pageNumber, file, filePageNumber: 1, status: 'failed', flags: [], error: { code: 'IMAGE_UNREADABLE', kind: 'input', message: `"${file}": could not be read as an image (page ${index + 1} is truncated); re-scan it` } });
          continue;
        }
        const meanConfidence = syntheticConfidence(index);
        const flags: string[] = [];
        if (meanConfidence < 60) flags.push('low-confidence');
        if (index % 11 === 0) flags.push('under-200-dpi');
        if (index % 13 === 0) flags.push('rotated');
        pages.push({ pageNumber, file, filePageNumber: 1, status: 'done', meanConfidence, flags, timings: { normalizeMs: 700, recognizeMs: 2500 } });
      }
      const failed = pages.some((p) => p.status === 'failed');
      const report: DocumentReport = {
        documentId,
        status: failed ? 'failed' : 'done',
        pages,
        errors: pages.flatMap((p) => (p.error ? [p.error] : [])),
      };
      dossier.documents.push(report);
      if (failed) dossier.status = 'failed';
      documents.push({ dossierId, documentId, title: `Văn bản số ${documentId} của hồ sơ ${dossierId}`, pages: extra });
    }
  }
  const report = buildBatchReport('synthetic-batch', ['dossier'], dossiers, new Date('2024-03-05T01:00:00.000Z'), new Date('2024-03-05T01:30:00.000Z'));
  return { report, documents };
}

/** 40–99.9, spread without pattern-looking runs. */
export function syntheticConfidence(index: number): number {
  return Math.round((40 + ((index * 7919) % 600) / 10) * 10) / 10;
}
