// The document runner: its pages through the page runner, then fields, the PDF/A and the record, stored; or the reasons it failed.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Batch, DossierPlan } from '../domain/batch.ts';
import { draftDocumentRecord } from '../domain/draft-records.ts';
import { errorReport, InputError, type ErrorReport } from '../domain/errors.ts';
import type { FieldCandidate } from '../domain/metadata/model.ts';
import { partialFields } from '../domain/metadata/partial.ts';
import type { RecognizedPage } from '../domain/page.ts';
import {
  type DocumentRecord,
  type DocumentReport,
  type DossierDocumentEntry,
  type PageReport,
  type ProvenanceRecord,
  type SignatureRecord,
  type SourceFileRecord,
} from '../domain/record.ts';
import { PdfCache } from '../pdf/pdf-cache.ts';
import type { ScannedPdf } from '../pdf/read-scanned-pdf.ts';
import { sortPages } from '../report/batch-report.ts';
import { assembleStage } from '../stages/assemble.ts';
import { extractStage } from '../stages/extract.ts';
import type { PageSource } from '../stages/ingest.ts';
import { originalKeys, storeStage, type ObjectLock } from '../stages/store.ts';
import type { Limiter } from '../common/limiter.ts';
import type { Pipeline } from './pipeline-file.ts';
import type { PlannedDocument } from './plan-batch.ts';
import { stageContext, type BatchProgress, type BatchRunContext } from './run-context.ts';
import { donePage, runPage } from './run-page.ts';

export interface DocumentOutcome {
  entry: DossierDocumentEntry;
  report: DocumentReport;
  /** The published record, when the document was stored. */
  record?: DocumentRecord;
  dossierCandidates: FieldCandidate[];
}

/** What a dossier's documents share: the plan, the pipeline, the records' provenance and dates, the OCR budget. */
export interface DossierRun {
  batch: Batch;
  dossier: DossierPlan;
  pipeline: Pipeline;
  provenance: ProvenanceRecord;
  sources: SourceFileRecord[];
  /** The dossier's date (its newest input), which records and PDFs carry instead of the clock's. */
  createdAt: Date;
  limiter: Limiter;
  progress: BatchProgress;
  lock: ObjectLock | undefined;
}

/** A document's pages as read: the recognized ones, the failed ones, and its PDFs' signatures. */
interface ReadPages {
  recognized: RecognizedPage[];
  failed: PageReport[];
  signatures: SignatureRecord[];
  signatureWarnings: string[];
}

/**
 * Runs one document: its pages, then (when every page was read) its fields, PDF/A, text and record, stored. A
 * document with a failed page, or an input error on the way, fails whole with the reasons; nothing of it is stored.
 */
export async function runDocument(planned: PlannedDocument, job: DossierRun, ctx: BatchRunContext): Promise<DocumentOutcome> {
  const { document } = planned;
  const log = ctx.log.child({ documentId: document.id });
  const started = performance.now();
  const workDir = documentWorkDir(ctx, job.dossier.id, document.id);
  countInputProblems(planned, job.progress, ctx, log);
  const pages = await readPages(planned, job, ctx, workDir, log);
  const fail = (errors: ErrorReport[]) => failedDocument(planned, pages, errors, ctx, log);
  try {
    if (pages.failed.length > 0) {
      // An archive record must be complete: a document with a failed page is not published half-made.
      return fail(pages.failed.map((p) => p.error ?? { code: 'INTERNAL', kind: 'internal', message: `${p.file}: failed without a recorded reason` }));
    }
    if (pages.recognized.length === 0) return fail([errorReport(new InputError('DOCUMENT_NO_PAGES', `document ${document.id} has no pages; list its page files in the manifest, or remove it`))]);
    return await publishDocument(planned, pages, job, ctx, log, started);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return fail([errorReport(err)]);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The document's scratch folder, under the run's: `<dossierId>/<documentId>/`. */
function documentWorkDir(ctx: BatchRunContext, dossierId: string, documentId: string): string {
  return path.join(ctx.workDir, dossierId, documentId);
}

/** Pages the plan already found unreadable (a missing or damaged file) count and log as failed. */
function countInputProblems(planned: PlannedDocument, progress: BatchProgress, ctx: BatchRunContext, log: Logger): void {
  for (const problem of planned.problems) {
    progress.pagesFailed++;
    ctx.metrics?.pageFailed('input');
    log.warn({ event: 'page.failed', file: problem.file, pageNumber: problem.pageNumber, code: problem.error?.code, reason: problem.error?.message }, 'page.failed');
  }
  if (planned.problems.length > 0) ctx.onProgress?.(progress);
}

/** Every page through the page runner, within the OCR budget; each PDF parsed once for all its pages here. */
async function readPages(planned: PlannedDocument, job: DossierRun, ctx: BatchRunContext, workDir: string, log: Logger): Promise<ReadPages> {
  const pdfs = (ctx.pdfs ?? new PdfCache()).forDocument();
  const openPdf = (source: PageSource) => pdfs.open(source.path, source.ref.file);
  // No page starts once the run is stopped; the pages already in OCR finish first (see runDossier).
  const outcomes = settledOrThrow(
    await Promise.allSettled(
      planned.pages.map((source) =>
        job.limiter(() => {
          ctx.signal?.throwIfAborted();
          return runPage(source, ctx, job.pipeline, workDir, log, job.progress, openPdf);
        }),
      ),
    ).finally(() => pdfs.release()),
  );
  ctx.signal?.throwIfAborted();
  const signatures = await signaturesOf(pdfs.opened(), documentFiles(planned));
  const signatureWarnings = signatures.flatMap(signatureWarning);
  for (const warning of signatureWarnings) log.warn({ event: 'document.warning' }, warning);
  const failed: PageReport[] = [...planned.problems];
  const recognized: RecognizedPage[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) recognized.push(outcome.page);
    else failed.push(outcome.report);
  }
  return { recognized, failed, signatures, signatureWarnings };
}

function documentFiles(planned: PlannedDocument): string[] {
  return [...new Set(planned.document.sources.map((s) => s.file))];
}

function failedDocument(planned: PlannedDocument, pages: ReadPages, errors: ErrorReport[], ctx: BatchRunContext, log: Logger): DocumentOutcome {
  const { document } = planned;
  const report: DocumentReport = { documentId: document.id, status: 'failed', pages: sortPages([...pages.failed, ...pages.recognized.map((p) => donePage(p, []))]), errors };
  ctx.metrics?.documentFailed('input');
  log.warn({ event: 'document.failed', codes: [...new Set(errors.map((e) => e.code))], errors: errors.map((e) => e.message) }, 'document.failed');
  const entry = { documentId: document.id, ...(document.title ? { title: document.title } : {}), status: 'failed' as const, pageCount: report.pages.length, outputs: [], errors: errors.map((e) => `${e.code}: ${e.message}`) };
  return { entry, report, dossierCandidates: [] };
}

/** Fields, PDF/A and text from the read pages, the record drafted, everything stored (originals too, when kept). */
async function publishDocument(planned: PlannedDocument, pages: ReadPages, job: DossierRun, ctx: BatchRunContext, log: Logger, started: number): Promise<DocumentOutcome> {
  const { document } = planned;
  const { batch, dossier, pipeline } = job;
  const { recognized, signatures } = pages;
  const extractStarted = performance.now();
  const workDir = documentWorkDir(ctx, dossier.id, document.id);
  const language = languageOf(pipeline);
  const metadata = await extractStage.run({ document, pages: recognized, language, signatures }, stageContext(ctx, pipeline.stages.extract, log, workDir));
  const extractMs = Math.round(performance.now() - extractStarted);
  const assembled = await assembleStage.run(
    { dossier, document, pages: recognized, batchId: batch.id, language, producer: `sohoa ${ctx.softwareVersion}`, createdAt: job.createdAt, metadata: metadata.fields },
    stageContext(ctx, pipeline.stages.assemble, log, workDir),
  );
  assembled.pageWarnings.forEach((warnings, index) => {
    for (const warning of warnings) log.warn({ event: 'page.warning', stage: 'assemble', pageNumber: assembled.pages[index]?.pageNumber, code: warning.code }, warning.message);
  });
  const ids = { batchId: batch.id, dossierId: dossier.id, documentId: document.id };
  const files = documentFiles(planned);
  const sources = documentSources(job.sources, files, pipeline.stages.store.keepOriginals ? originalKeys(ids, files) : []);
  const record = draftDocumentRecord({ ids, title: document.title, metadata, assembled, sources, provenance: job.provenance, signatures, signatureWarnings: pages.signatureWarnings, createdAt: job.createdAt });
  const storeStarted = performance.now();
  const originals = sources.flatMap((s) => (s.storedAs ? [{ file: s.file, path: path.join(batch.root, s.file), key: s.storedAs, sha256: s.sha256 }] : []));
  const stored = await storeStage.run({ ids, outputs: { pdf: assembled.pdf, text: assembled.text, originals }, record, ...(job.lock ? { lock: job.lock } : {}) }, stageContext(ctx, pipeline.stages.store, log, workDir));
  const storeMs = Math.round(performance.now() - storeStarted);
  ctx.metrics?.documentStored({ extractMs, assembleMs: assembled.durationMs, storeMs });
  log.info(
    { event: 'document.stored', storeMs, assembleMs: Math.round(assembled.durationMs), pages: assembled.pages.length, meanConfidence: Math.round(assembled.meanConfidence), pdfBytes: assembled.pdf.byteLength, fields: Object.keys(metadata.fields).length, conflicts: metadata.conflicts.length, qrCodes: metadata.qrCodes.length, extractMs, durationMs: Math.round(performance.now() - started) },
    'document.stored',
  );
  const partial = partialFields(metadata.fields);
  const report: DocumentReport = {
    documentId: document.id,
    status: 'done',
    pages: sortPages(recognized.map((p, i) => donePage(p, assembled.pages[i]?.flags ?? [], assembled.pageWarnings[i] ?? []))),
    errors: [],
    ...(metadata.conflicts.length > 0 ? { conflicts: metadata.conflicts.map((c) => c.message) } : {}),
    ...(partial.length > 0 ? { partial } : {}),
    ...(signatures.length > 0 ? { signatures: signatures.map(signatureSummary) } : {}),
    timings: { pagesMs: Math.round(recognized.reduce((n, p) => n + p.durationMs + p.ocrDurationMs, 0)), extractMs, assembleMs: Math.round(assembled.durationMs) },
  };
  return {
    entry: { documentId: document.id, ...(document.title ? { title: document.title } : {}), status: 'done', pageCount: assembled.pages.length, record: stored.record, outputs: stored.outputs, errors: [] },
    report,
    record: { ...record, outputs: stored.outputs },
    dossierCandidates: metadata.dossierCandidates,
  };
}

/** The dossier's input files that make this document, in its order, each with the key its kept original gets. */
function documentSources(sources: readonly SourceFileRecord[], files: readonly string[], keys: readonly string[]): SourceFileRecord[] {
  return sources.flatMap((s) => {
    const at = files.indexOf(s.file);
    if (at < 0) return [];
    return keys[at] ? [{ ...s, storedAs: keys[at] }] : [s];
  });
}

/** The signatures of the document's PDFs, in the order of its files, so the record is the same on every run. */
async function signaturesOf(pdfs: Iterable<Promise<ScannedPdf>>, files: readonly string[]): Promise<SignatureRecord[]> {
  const found: SignatureRecord[] = [];
  for (const pdf of pdfs) {
    const opened = await pdf.catch(() => undefined);
    for (const signature of opened?.signatures ?? []) found.push({ file: opened!.name, ...signature });
  }
  return found.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
}

/**
 * What a reader of the record must know about a signature that does not hold, or does not cover the file. The
 * signer is not named: a personal certificate names a person, and these lines go to the log.
 */
function signatureWarning(signature: SignatureRecord): string[] {
  if (signature.digestValid === false) return [`"${signature.file}": its digital signature does not match the file: it was changed after signing`];
  if (signature.signatureValid === false) return [`"${signature.file}": its digital signature does not verify with its certificate`];
  if (!signature.coversWholeFile) return [`"${signature.file}": its digital signature does not cover the whole file: content was added after signing`];
  return [];
}

function signatureSummary(signature: SignatureRecord): NonNullable<DocumentReport['signatures']>[number] {
  const valid = signature.digestValid === false || signature.signatureValid === false ? false : signature.digestValid && signature.signatureValid ? true : null;
  return {
    file: signature.file,
    ...(signature.signer.commonName ? { signer: signature.signer.commonName } : {}),
    ...(signature.signer.organization ? { organization: signature.signer.organization } : {}),
    ...(signature.signingTime ? { signingTime: signature.signingTime } : {}),
    valid,
  };
}

/** The record's language: Vietnamese when the pipeline reads it. */
export function languageOf(pipeline: Pipeline): string {
  return pipeline.stages.recognize.languages.includes('vie') ? 'vi' : 'en';
}

/** The values of settled promises, or the first rejection (an abort, or a bug) once all have settled. */
export function settledOrThrow<T>(settled: PromiseSettledResult<T>[]): T[] {
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
