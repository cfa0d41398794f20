// Builds report.html for a batch from what the run left: report.json, the dossier and document records, the input scans.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { InputError } from '../domain/errors.ts';
import { partialFields } from '../domain/metadata/partial.ts';
import type { BatchReport, DocumentRecord, DocumentReport, DossierRecord, DossierReport, PageRecord } from '../domain/record.ts';
import { PdfCache, type PdfLease } from '../pdf/pdf-cache.ts';
import { createLimiter } from '../common/limiter.ts';
import { objectKeys } from '../storage/keys.ts';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';
import { renderReportHtml, type ReportDocument, type ReportDossier, type ReportLang, type ReportPage } from './report-html.ts';
import { pictureTurn, type PageThumbnails } from './page-thumbnails.ts';
import { makeThumbnail } from './thumbnails.ts';

/** Where the readable report goes: beside report.json. */
export const reportHtmlKey = objectKeys.batchReportHtml;
export const reportHtmlContentType = 'text/html; charset=utf-8';

export interface BuildReportOptions {
  /** The store the batch was written to (local folder or S3). */
  store: ObjectStore;
  batchId: string;
  /** The batch's input folder (for S3 input, the staged copy); pages get thumbnails from it. Absent: no thumbnails. */
  batchRoot?: string;
  /** The report in memory, as the runner has it; read from `<batchId>/report.json` when absent. */
  report?: BatchReport;
  lang?: ReportLang;
  thumbnailWidthPx?: number;
  /** Thumbnails made at once. */
  concurrency?: number;
  lowConfidence?: number;
  softwareVersion?: string;
  timeZone?: string;
  log?: Logger;
  /** The run's open PDFs, when the report is built by the run; else the report opens each PDF once itself. */
  pdfs?: PdfCache;
  /** Pictures the run made of its PDF pages; pages without one are pictured here. */
  thumbnails?: PageThumbnails;
}

export interface BuiltReport {
  html: string;
  pages: number;
  thumbnails: number;
  /** Encoded bytes of all thumbnails (the HTML carries them as base64, 4/3 of this). */
  thumbnailBytes: number;
  /** Pages whose scan could not be read for a picture (usually the pages that failed for that reason). */
  missingThumbnails: number;
}

interface PageJob {
  file: string;
  filePageNumber: number;
  record?: PageRecord;
  target: ReportPage;
}

export async function buildReportHtml(options: BuildReportOptions): Promise<BuiltReport> {
  const { store, batchId } = options;
  const report = options.report ?? (await readJson<BatchReport>(store, objectKeys.batchReport(batchId)));
  if (!report) throw new InputError('REPORT_NOT_FOUND', `no ${objectKeys.batchReport(batchId)} in ${store.location}; run the batch first, or check the batch id`);

  const documents: ReportDocument[] = [];
  const dossiers: ReportDossier[] = [];
  const jobs: PageJob[] = [];
  const filled: DossierReport[] = [];
  for (const dossier of report.dossiers) {
    const record = await readJson<DossierRecord>(store, objectKeys.dossierRecord(batchId, dossier.dossierId));
    dossiers.push({ dossierId: dossier.dossierId, ...(record?.title ? { title: record.title } : {}), ...(record?.code ? { code: record.code } : {}) });
    const entries = new Map((record?.documents ?? []).map((entry) => [entry.documentId, entry]));
    const documentRecords = new Map<string, DocumentRecord>();
    for (const entry of record?.documents ?? []) {
      if (entry.status !== 'done') continue;
      const docRecord = await readJson<DocumentRecord>(store, entry.record?.key ?? objectKeys.document(batchId, dossier.dossierId, entry.documentId, 'json'));
      if (docRecord) documentRecords.set(entry.documentId, docRecord);
    }
    // A dossier complete from an earlier run has no pages in this report; its records still say what they hold.
    const reports = dossier.status === 'skipped' && dossier.documents.length === 0 ? [...documentRecords.values()].map(documentReportFromRecord) : dossier.documents;
    filled.push(reports === dossier.documents ? dossier : { ...dossier, documents: reports });

    for (const document of reports) {
      const docRecord = documentRecords.get(document.documentId);
      const title = docRecord?.title ?? entries.get(document.documentId)?.title;
      const recordPages = new Map((docRecord?.pages ?? []).map((p) => [p.pageNumber, p]));
      const pages: ReportPage[] = [];
      for (const page of document.pages) {
        const pageRecord = recordPages.get(page.pageNumber);
        const target: ReportPage = {
          pageNumber: page.pageNumber,
          ...(pageRecord ? { dpi: pageRecord.dpi, rotationDeg: pageRecord.rotationDeg, skewDeg: pageRecord.skewDeg } : {}),
        };
        pages.push(target);
        if (page.file) jobs.push({ file: page.file, filePageNumber: page.filePageNumber ?? 1, ...(pageRecord ? { record: pageRecord } : {}), target });
      }
      documents.push({ dossierId: dossier.dossierId, documentId: document.documentId, ...(title ? { title } : {}), pages });
    }
  }

  const made = options.batchRoot ? await addThumbnails(options.batchRoot, jobs, options) : { thumbnails: 0, thumbnailBytes: 0, missing: jobs.length };
  const html = renderReportHtml({ ...report, dossiers: filled }, documents, {
    lang: options.lang ?? 'vi',
    dossiers,
    ...(options.lowConfidence !== undefined ? { lowConfidence: options.lowConfidence } : {}),
    ...(options.softwareVersion !== undefined ? { softwareVersion: options.softwareVersion } : {}),
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
  });
  return { html, pages: jobs.length, thumbnails: made.thumbnails, thumbnailBytes: made.thumbnailBytes, missingThumbnails: made.missing };
}

/** Writes report.html beside report.json; served from S3 with this content type, it opens in the browser. */
export function writeReportHtml(store: ObjectStore, batchId: string, html: string): Promise<StoredObject> {
  return store.put(reportHtmlKey(batchId), new TextEncoder().encode(html), { contentType: reportHtmlContentType, metadata: { batchId } });
}

async function addThumbnails(batchRoot: string, jobs: PageJob[], options: BuildReportOptions): Promise<{ thumbnails: number; thumbnailBytes: number; missing: number }> {
  const root = path.resolve(batchRoot);
  const limit = createLimiter(options.concurrency ?? Math.max(1, availableParallelism()));
  const pdfs = filePdfs(options.pdfs ?? new PdfCache(), jobs.map((job) => path.resolve(root, job.file)));
  let workDir: Promise<string> | undefined;
  let thumbnails = 0;
  let thumbnailBytes = 0;
  try {
    await Promise.all(
      jobs.map((job, index) =>
        limit(async () => {
          const file = path.resolve(root, job.file);
          // The file names come from our own report, but a report is a file someone could edit: stay in the batch.
          if (!file.startsWith(root + path.sep)) return;
          // The PDF shows the page upright: turn the picture as normalize did, unless EXIF already did it.
          const rotateDeg = pictureTurn(job.record);
          const isPdf = file.toLowerCase().endsWith('.pdf');
          try {
            let thumbnail = isPdf ? options.thumbnails?.take(job.file, job.filePageNumber, rotateDeg, options.thumbnailWidthPx) : undefined;
            if (thumbnail === undefined) {
              let input = file;
              if (isPdf) {
                const dir = await (workDir ??= mkdtemp(path.join(tmpdir(), 'sohoa-report-')));
                const out = path.join(dir, String(index));
                await mkdir(out, { recursive: true });
                input = (await (await pdfs.open(file, job.file)).extractPage(job.filePageNumber - 1, out, { name: job.file })).imagePath;
              }
              thumbnail = await makeThumbnail(input, {
                page: input === file ? job.filePageNumber - 1 : 0,
                rotateDeg,
                ...(options.thumbnailWidthPx !== undefined ? { widthPx: options.thumbnailWidthPx } : {}),
              });
            }
            job.target.thumbnail = { dataUri: thumbnail.dataUri, widthPx: thumbnail.widthPx, heightPx: thumbnail.heightPx };
            thumbnails++;
            thumbnailBytes += thumbnail.sizeBytes;
          } catch (err) {
            options.log?.debug({ event: 'report.thumbnail_failed', file: job.file, pageNumber: job.filePageNumber, err }, 'report.thumbnail_failed');
          } finally {
            if (isPdf) await pdfs.done(file);
          }
        }),
      ),
    );
  } finally {
    await pdfs.releaseAll();
    if (!options.pdfs) await pdfs.cache.close();
    if (workDir) await rm(await workDir, { recursive: true, force: true });
  }
  return { thumbnails, thumbnailBytes, missing: jobs.length - thumbnails };
}

/**
 * The report's hold on each PDF it pictures pages of: leased on the first page that needs it, released after the
 * last of the file's pages, so the report has one PDF open per page in flight, not every PDF of the batch.
 */
function filePdfs(cache: PdfCache, files: readonly string[]) {
  const pagesLeft = new Map<string, number>();
  for (const file of files) pagesLeft.set(file, (pagesLeft.get(file) ?? 0) + 1);
  const leases = new Map<string, { lease: PdfLease; pdf: ReturnType<PdfLease['pdf']> }>();
  return {
    cache,
    open(file: string, name: string) {
      let held = leases.get(file);
      if (held === undefined) {
        const lease = cache.lease(file, name);
        held = { lease, pdf: lease.pdf() };
        leases.set(file, held);
      }
      return held.pdf;
    },
    async done(file: string) {
      const left = (pagesLeft.get(file) ?? 1) - 1;
      pagesLeft.set(file, left);
      if (left > 0) return;
      await leases.get(file)?.lease.release();
      leases.delete(file);
    },
    async releaseAll() {
      await Promise.all([...leases.values()].map((held) => held.lease.release()));
      leases.clear();
    },
  };
}

function documentReportFromRecord(record: DocumentRecord): DocumentReport {
  return {
    documentId: record.documentId,
    status: 'done',
    pages: record.pages.map((page) => ({
      pageNumber: page.pageNumber,
      file: page.file,
      filePageNumber: page.filePageNumber,
      status: 'done' as const,
      meanConfidence: page.meanConfidence,
      flags: page.flags,
    })),
    errors: [],
    ...withPartial(record),
  };
}

/** The record's fields read in part; a record is a file someone could have edited, so its metadata may be gone. */
function withPartial(record: DocumentRecord): { partial?: DocumentReport['partial'] } {
  const partial = partialFields(record.metadata ?? {});
  return partial.length > 0 ? { partial } : {};
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    return undefined;
  }
}
