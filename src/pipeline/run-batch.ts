// The batch runner: plans every page, processes dossiers through the stages, and writes the batch report.
import { blankHeadingParts } from '../extract/blank-heading.ts';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Batch, DocumentPlan, DossierPlan } from '../domain/batch.ts';
import { errorReport, InputError, SohoaError, type ErrorReport } from '../domain/errors.ts';
import type { RecognizedPage, Word } from '../domain/page.ts';
import {
  batchReportSchema,
  documentRecordSchema,
  dossierRecordSchema,
  type BatchReport,
  type DocumentReport,
  type DossierDocumentEntry,
  type DossierRecord,
  type DocumentRecord,
  type DossierReport,
  type PageReport,
  type PageWarning,
  type ProvenanceRecord,
  type SignatureRecord,
  type SourceFileRecord,
} from '../domain/record.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { assembleDocument } from '../stages/assemble-pdf.ts';
import { extractDocumentMetadata, findPageCodes, manifestCandidates } from '../stages/extract-metadata.ts';
import { deriveFields, resolveFields, type FieldCandidate } from '../domain/metadata/model.ts';
import { partialFields } from '../domain/metadata/partial.ts';
import { buildDossierXml } from '../export/dossier-xml.ts';
import { listDocumentPages, sha256File, type PageSource } from '../stages/ingest.ts';
import { normalizePage, type NormalizedPageResult } from '../stages/normalize.ts';
import { openScannedPdf, type ScannedPdf } from '../pdf/read-scanned-pdf.ts';
import { recognizePage } from '../stages/recognize.ts';
import { encodeJson, originalKeys, readDossierRecord, removeStrayObjects, sha256Hex, storeDocument, storeDossierExport, storeDossierRecord, contentTypes } from '../stages/store.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { objectKeys } from '../storage/keys.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import { parseRetention, retainUntil } from '../domain/retention.ts';
import type { ObjectLock } from '../stages/store.ts';
import type { Pipeline } from './pipeline-file.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { buildReportHtml, writeReportHtml } from '../report/build-report.ts';

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
}

interface PlannedDocument {
  document: DocumentPlan;
  pages: PageSource[];
  problems: PageReport[];
}

interface PlannedDossier {
  dossier: DossierPlan;
  documents: PlannedDocument[];
}

type PageOutcome = { ok: true; page: RecognizedPage } | { ok: false; report: PageReport };

export async function runBatch(batch: Batch, ctx: BatchRunContext, warnings: string[] = []): Promise<BatchReport> {
  const startedAt = new Date();
  const log = ctx.log.child({ batchId: batch.id });
  const plan = await planBatch(batch);
  const progress: BatchProgress = { pagesTotal: countPages(plan), pagesDone: 0, pagesFailed: 0, pagesSkipped: 0 };
  log.info({ event: 'batch.started', dossiers: plan.length, pages: progress.pagesTotal, store: ctx.store.location }, 'batch.started');
  ctx.onProgress?.(progress);

  const limiter = createLimiter(ctx.pageConcurrency);
  const dossiers: DossierReport[] = [];
  for (const planned of plan) {
    if (ctx.signal?.aborted) {
      dossiers.push(notStartedDossier(planned, 'the run was stopped before this dossier began; run the same command again to do it'));
      continue;
    }
    try {
      dossiers.push(await runDossier(batch, planned, { ...ctx, log }, limiter, progress));
    } catch (err) {
      if (!ctx.signal?.aborted) throw err;
      // Abandoned: documents it finished may be stored, but without dossier.json nothing of it is published.
      dossiers.push(notStartedDossier(planned, 'the run was stopped while this dossier was in progress; nothing of it is published, and the next run redoes it'));
      log.warn({ event: 'dossier.abandoned', dossierId: planned.dossier.id }, 'dossier.abandoned: the run was stopped; the next run redoes this dossier');
    }
  }

  const pipelines = [...new Set(batch.dossiers.map((d) => ctx.pipelineFor(d).name))];
  const built = buildBatchReport(batch.id, pipelines, dossiers, startedAt, new Date());
  const report: BatchReport = { ...built, warnings, ...(ctx.signal?.aborted ? { interrupted: { signal: String(interruptionOf(ctx.signal)) } } : {}) };
  // A run that found every dossier complete writes nothing at all, not even a new report.
  const changed = dossiers.some((d) => d.status !== 'skipped');
  if (changed || !(await ctx.store.exists(objectKeys.batchReport(batch.id)))) {
    await ctx.store.put(objectKeys.batchReport(batch.id), encodeJson(report), { contentType: contentTypes.json });
    if (ctx.htmlReport) await writeBatchReportHtml(ctx.store, report, { ...ctx.htmlReport, softwareVersion: ctx.softwareVersion }, log);
  }
  // maxRSS is the process's peak resident memory so far (KiB on Linux), OCR worker threads included.
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  log.info({ event: 'batch.finished', durationMs: report.durationMs, maxRssMiB, ...report.totals }, 'batch.finished');
  return report;
}

/**
 * Writes report.html next to report.json. The page for people is worth less than the records, so a failure is
 * logged (`report.failed`) and the batch goes on: report.json stays the authority.
 */
export async function writeBatchReportHtml(
  store: ObjectStore,
  report: BatchReport,
  options: { batchRoot: string; lowConfidence: number; softwareVersion: string },
  log: Logger,
): Promise<void> {
  const started = performance.now();
  try {
    const built = await buildReportHtml({ store, batchId: report.batchId, report, batchRoot: options.batchRoot, lowConfidence: options.lowConfidence, softwareVersion: options.softwareVersion, log });
    const stored = await writeReportHtml(store, report.batchId, built.html);
    log.info({ event: 'report.written', key: stored.key, sizeBytes: stored.sizeBytes, pages: built.pages, thumbnails: built.thumbnails, durationMs: Math.round(performance.now() - started) }, 'report.written');
  } catch (err) {
    log.warn({ event: 'report.failed', err }, 'report.failed: report.html could not be written; report.json is complete');
  }
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
  const plan = await planBatch({ ...batch, dossiers: [dossier] });
  const progress: BatchProgress = { pagesTotal: countPages(plan), pagesDone: 0, pagesFailed: 0, pagesSkipped: 0 };
  return runDossier(batch, plan[0]!, { ...ctx, log: ctx.log.child({ batchId: batch.id }) }, limiter, progress);
}

/** Lists every page of every document up front, so progress has a total and bad files are known early. */
async function planBatch(batch: Batch): Promise<PlannedDossier[]> {
  const plan: PlannedDossier[] = [];
  for (const dossier of batch.dossiers) {
    const documents: PlannedDocument[] = [];
    for (const document of dossier.documents) {
      const listed = await listDocumentPages(batch, dossier, document);
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

function countPages(plan: readonly PlannedDossier[]): number {
  return plan.reduce((n, d) => n + d.documents.reduce((m, doc) => m + doc.pages.length + doc.problems.length, 0), 0);
}

/**
 * Hashes the dossier's input files, and dates the dossier by the newest of them: records and PDFs carry that date
 * rather than the clock's, so redoing a dossier (after a crash, on another worker) publishes the same bytes.
 */
async function hashSources(batch: Batch, dossier: DossierPlan): Promise<{ sources: SourceFileRecord[]; createdAt: Date }> {
  const files = [...new Set(dossier.documents.flatMap((doc) => doc.sources.map((source) => source.file)))];
  const sources: SourceFileRecord[] = [];
  let newestMs = 0;
  for (const file of files) {
    const absolute = path.join(batch.root, file);
    try {
      const info = await stat(absolute);
      sources.push({ file, sha256: await sha256File(absolute), sizeBytes: info.size });
      newestMs = Math.max(newestMs, info.mtimeMs);
    } catch {
      // A missing or unreadable file is reported by its document; the fingerprint just leaves it out.
    }
  }
  // Whole seconds: the precision of a PDF date, so the record and the PDF say the same time.
  return { sources, createdAt: new Date(Math.floor(newestMs / 1000) * 1000) };
}

async function runDossier(batch: Batch, planned: PlannedDossier, ctx: BatchRunContext, limiter: Limiter, progress: BatchProgress): Promise<DossierReport> {
  const { dossier } = planned;
  const started = performance.now();
  const log = ctx.log.child({ dossierId: dossier.id });
  const pipeline = ctx.pipelineFor(dossier);
  const { sources, createdAt } = await hashSources(batch, dossier);
  const fingerprint = sha256Hex(JSON.stringify({ software: ctx.softwareVersion, pipeline: pipeline.sha256, sources, plan: dossier }));
  const pageCount = planned.documents.reduce((n, d) => n + d.pages.length + d.problems.length, 0);

  const previous = ctx.force ? undefined : await readDossierRecord(ctx.store, batch.id, dossier.id);
  if (previous && previous.fingerprint === fingerprint && previous.documents.every((doc) => doc.status === 'done')) {
    // A run killed after writing dossier.json but before removing an older run's leftovers finishes that here.
    const stray = await removeStrayObjects(ctx.store, previous);
    if (stray.length > 0) log.info({ event: 'dossier.cleaned', strayRemoved: stray.length }, 'dossier.cleaned: removed objects no record names');
    progress.pagesSkipped += pageCount;
    ctx.onProgress?.(progress);
    log.info({ event: 'dossier.skipped', pages: pageCount }, 'dossier.skipped: already complete with the same inputs and pipeline');
    ctx.metrics?.dossierFinished('skipped');
    return { dossierId: dossier.id, status: 'skipped', reason: 'already complete with the same inputs, pipeline and software', documents: [], durationMs: performance.now() - started };
  }

  const provenance: ProvenanceRecord = {
    software: { name: 'sohoa', version: ctx.softwareVersion },
    pipeline: { name: pipeline.name, sha256: pipeline.sha256 },
    ocr: { engine: ctx.ocr.info.engine, engineVersion: ctx.ocr.info.engineVersion, languages: ctx.ocr.info.languages, model: ctx.ocr.info.model },
  };
  const lock = objectLockFor(dossier, ctx, log);
  // Settled, not raced: when the run is stopped, every document in flight ends its current step (a page in OCR, a
  // store) before the dossier is abandoned, so nothing is left writing behind the report.
  const results = settledOrThrow(
    await Promise.allSettled(
      planned.documents.map((doc) => runDocument(batch, dossier, doc, { ...ctx, log }, pipeline, provenance, sources, createdAt, limiter, progress, lock)),
    ),
  );

  ctx.signal?.throwIfAborted();
  const settled = dossierMetadata(dossier, results, languageOf(pipeline));
  const draft: Omit<DossierRecord, 'exports'> = {
    schema: dossierRecordSchema,
    batchId: batch.id,
    dossierId: dossier.id,
    ...(dossier.code ? { code: dossier.code } : {}),
    ...(dossier.title ? { title: dossier.title } : {}),
    kind: dossier.kind,
    metadata: settled.fields,
    conflicts: settled.conflicts,
    fingerprint,
    provenance,
    documents: results.map((r) => r.entry),
    createdAt: createdAt.toISOString(),
  };
  const xml = buildDossierXml(draft, results.flatMap((r) => (r.record ? [r.record] : [])));
  const exported = await storeDossierExport(ctx.store, batch.id, dossier.id, xml, lock);
  const record: DossierRecord = { ...draft, exports: [exported] };
  await storeDossierRecord(ctx.store, record, lock);
  const stray = await removeStrayObjects(ctx.store, record);
  const failed = results.filter((r) => r.entry.status === 'failed').length;
  ctx.metrics?.dossierFinished(failed > 0 ? 'failed' : 'done');
  log.info({ event: 'dossier.finished', documents: results.length, documentsFailed: failed, strayRemoved: stray.length, durationMs: Math.round(performance.now() - started) }, 'dossier.finished');
  return { dossierId: dossier.id, status: failed > 0 ? 'failed' : 'done', documents: results.map((r) => r.report), durationMs: performance.now() - started };
}

async function runDocument(
  batch: Batch,
  dossier: DossierPlan,
  planned: PlannedDocument,
  ctx: BatchRunContext,
  pipeline: Pipeline,
  provenance: ProvenanceRecord,
  sources: SourceFileRecord[],
  createdAt: Date,
  limiter: Limiter,
  progress: BatchProgress,
  lock: ObjectLock | undefined,
): Promise<DocumentOutcome> {
  const { document } = planned;
  const log = ctx.log.child({ documentId: document.id });
  const started = performance.now();
  const workDir = path.join(ctx.workDir, dossier.id, document.id);
  for (const problem of planned.problems) {
    progress.pagesFailed++;
    ctx.metrics?.pageFailed('input');
    log.warn({ event: 'page.failed', file: problem.file, pageNumber: problem.pageNumber, code: problem.error?.code, reason: problem.error?.message }, 'page.failed');
  }
  if (planned.problems.length > 0) ctx.onProgress?.(progress);

  // A PDF is parsed once for all its pages in this document, not once per page.
  const pdfs = new Map<string, Promise<ScannedPdf>>();
  const openPdf = (source: PageSource) => {
    let pdf = pdfs.get(source.path);
    if (!pdf) pdfs.set(source.path, (pdf = openScannedPdf(source.path, { name: source.ref.file })));
    return pdf;
  };
  // No page starts once the run is stopped; the pages already in OCR finish first (see runDossier).
  const outcomes = settledOrThrow(
    await Promise.allSettled(
      planned.pages.map((source) =>
        limiter(() => {
          ctx.signal?.throwIfAborted();
          return runPage(source, ctx, pipeline, workDir, log, progress, openPdf);
        }),
      ),
    ).finally(() => Promise.all([...pdfs.values()].map((pdf) => pdf.then((p) => p.close(), () => undefined)))),
  );
  ctx.signal?.throwIfAborted();
  const documentFiles = [...new Set(document.sources.map((s) => s.file))];
  const signatures = await signaturesOf(pdfs.values(), documentFiles);
  const signatureWarnings = signatures.flatMap(signatureWarning);
  for (const warning of signatureWarnings) log.warn({ event: 'document.warning' }, warning);
  const pageReports: PageReport[] = [...planned.problems];
  const recognized: RecognizedPage[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) recognized.push(outcome.page);
    else pageReports.push(outcome.report);
  }

  const fail = (errors: ErrorReport[]) => {
    const report: DocumentReport = { documentId: document.id, status: 'failed', pages: sortPages([...pageReports, ...recognized.map((p) => donePage(p, []))]), errors };
    ctx.metrics?.documentFailed('input');
    log.warn({ event: 'document.failed', codes: [...new Set(errors.map((e) => e.code))], errors: errors.map((e) => e.message) }, 'document.failed');
    const entry = { documentId: document.id, ...(document.title ? { title: document.title } : {}), status: 'failed' as const, pageCount: report.pages.length, outputs: [], errors: errors.map((e) => `${e.code}: ${e.message}`) };
    return { entry, report, dossierCandidates: [] };
  };

  try {
    if (pageReports.length > 0) {
      // An archive record must be complete: a document with a failed page is not published half-made.
      return fail(pageReports.map((p) => p.error ?? { code: 'INTERNAL', kind: 'internal', message: `${p.file}: failed without a recorded reason` }));
    }
    if (recognized.length === 0) return fail([errorReport(new InputError('DOCUMENT_NO_PAGES', `document ${document.id} has no pages; list its page files in the manifest, or remove it`))]);
    const extractStarted = performance.now();
    const metadata = await extractDocumentMetadata(document, recognized, { ...pipeline.stages.extract, language: languageOf(pipeline), signatures });
    const extractMs = Math.round(performance.now() - extractStarted);
    const assembled = await assembleDocument(dossier, document, recognized, {
      batchId: batch.id,
      language: languageOf(pipeline),
      producer: `sohoa ${ctx.softwareVersion}`,
      lowConfidence: pipeline.stages.assemble.lowConfidence,
      createdAt,
      metadata: metadata.fields,
    });
    assembled.pageWarnings.forEach((warnings, index) => {
      for (const warning of warnings) log.warn({ event: 'page.warning', stage: 'assemble', pageNumber: assembled.pages[index]?.pageNumber, code: warning.code }, warning.message);
    });
    const ids = { batchId: batch.id, dossierId: dossier.id, documentId: document.id };
    const keys = pipeline.stages.store.keepOriginals ? originalKeys(ids, documentFiles) : [];
    const documentSources = sources.flatMap((s) => {
      const at = documentFiles.indexOf(s.file);
      if (at < 0) return [];
      return keys[at] ? [{ ...s, storedAs: keys[at] }] : [s];
    });
    const record: Omit<DocumentRecord, 'outputs'> = {
      schema: documentRecordSchema,
      batchId: batch.id,
      dossierId: dossier.id,
      documentId: document.id,
      ...(document.title ? { title: document.title } : {}),
      metadata: metadata.fields,
      conflicts: metadata.conflicts,
      qrCodes: metadata.qrCodes,
      sources: documentSources,
      pageCount: assembled.pages.length,
      pages: assembled.pages,
      meanConfidence: Math.round(assembled.meanConfidence * 10) / 10,
      provenance,
      ...(signatures.length > 0 ? { signatures } : {}),
      warnings: [...signatureWarnings, ...assembled.warnings],
      createdAt: createdAt.toISOString(),
    };
    const storeStarted = performance.now();
    const originals = documentSources.flatMap((s) => (s.storedAs ? [{ file: s.file, path: path.join(batch.root, s.file), key: s.storedAs, sha256: s.sha256 }] : []));
    const stored = await storeDocument(ctx.store, ids, { pdf: assembled.pdf, text: assembled.text, originals }, record, lock);
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
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return fail([errorReport(err)]);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
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

async function runPage(
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
      { event: 'page.done', qrCodes: page.codes?.length ?? 0, rotationDeg: page.rotationDeg, skewDeg: Math.round(page.skewDeg * 100) / 100, meanConfidence: Math.round(page.meanConfidence), words: page.words.length, normalizeMs: Math.round(page.durationMs), recognizeMs: Math.round(page.ocrDurationMs) },
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
  ctx: Pick<BatchRunContext, 'ocr' | 'pdfText'>,
  pipeline: Pipeline,
  workDir: string,
  log: Logger,
  openPdf: (source: PageSource) => Promise<ScannedPdf>,
  at: { stage: string } = { stage: 'ingest' },
): Promise<RecognizedPage> {
  const input = await pageInput(source, ctx, workDir, openPdf);
  at.stage = 'normalize';
  // A page whose PDF text is kept must not move under that text: no turn, no deskew.
  const keepText = input.text !== undefined;
  const options = keepText ? { ...pipeline.stages.normalize, orientation: false, deskew: false } : pipeline.stages.normalize;
  const normalized = await normalizePage(input.source, { workDir, orientation: ctx.ocr, options, log });
  normalized.warnings.unshift(...input.warnings);
  for (const warning of normalized.warnings) log.warn({ event: 'page.warning', stage: at.stage }, warning);
  at.stage = 'recognize';
  const codes = pipeline.stages.extract.qr ? findPageCodes(normalized) : Promise.resolve(undefined);
  codes.catch(() => undefined); // awaited below; a rejection must not go unhandled while OCR runs
  const recognized = input.text ? keptTextPage(normalized, input.text, input.widthPx) : await recognizePage(normalized, ctx.ocr);
  at.stage = 'extract';
  const found = await codes;
  return found ? { ...recognized, codes: found } : recognized;
}

/** The dossier's retention decides how long its objects stay locked; unknown retention means no lock, said once. */
function objectLockFor(dossier: DossierPlan, ctx: BatchRunContext, log: Logger): ObjectLock | undefined {
  if (!ctx.objectLock) return undefined;
  const until = retainUntil(parseRetention(dossier.metadata['retention']), new Date());
  if (!until) {
    log.warn({ event: 'dossier.unlocked', retention: dossier.metadata['retention'] ?? null }, 'object lock requested but the dossier has no readable retention (VINH_VIEN or a number of years); its objects are not locked');
    return undefined;
  }
  return { mode: ctx.objectLock, retainUntil: until };
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

function donePage(page: RecognizedPage, flags: string[], warnings: PageWarning[] = []): PageReport {
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

interface DocumentOutcome {
  entry: DossierDocumentEntry;
  report: DocumentReport;
  /** The published record, when the document was stored. */
  record?: DocumentRecord;
  dossierCandidates: FieldCandidate[];
}

function languageOf(pipeline: Pipeline): string {
  return pipeline.stages.recognize.languages.includes('vie') ? 'vi' : 'en';
}

/**
 * The dossier's metadata: the manifest's values, the dossier-level values its documents' QR codes carry, and
 * what follows from the documents (counts, first and last issue date, language).
 */
function dossierMetadata(dossier: DossierPlan, outcomes: readonly DocumentOutcome[], language: string): ReturnType<typeof resolveFields> {
  const candidates: FieldCandidate[] = manifestCandidates({
    ...dossier.metadata,
    ...(dossier.code ? { code: dossier.code } : {}),
    ...(dossier.title ? { title: dossier.title } : {}),
    kind: dossier.kind,
  });
  for (const outcome of outcomes) candidates.push(...outcome.dossierCandidates);
  const records = outcomes.flatMap((o) => (o.record ? [o.record] : []));
  const issueDates = records.map((r) => r.metadata['issueDate']?.value).filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  candidates.push({ key: 'language', value: language, source: 'derived' });
  if (issueDates.length > 0) {
    candidates.push({ key: 'startDate', value: issueDates[0] as string, source: 'derived' });
    candidates.push({ key: 'endDate', value: issueDates.at(-1) as string, source: 'derived' });
  }
  const { fields, conflicts } = resolveFields(candidates);
  const counts = { documentCount: outcomes.length, pageCount: outcomes.reduce((n, o) => n + o.entry.pageCount, 0) };
  return { fields: deriveFields('dossier', fields, counts), conflicts };
}

/** The values of settled promises, or the first rejection (an abort, or a bug) once all have settled. */
function settledOrThrow<T>(settled: PromiseSettledResult<T>[]): T[] {
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** What stopped the run: the signal's name when the CLI aborted with one. */
function interruptionOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'stopped';
}

/** A dossier an interrupted run did not publish, with every planned page listed as not started. */
function notStartedDossier(planned: PlannedDossier, reason: string): DossierReport {
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

function sortPages(pages: PageReport[]): PageReport[] {
  return pages.sort((a, b) => a.pageNumber - b.pageNumber);
}

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
