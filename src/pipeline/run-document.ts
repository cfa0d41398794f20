// The document runner: its pages through the page runner, then fields, the PDF/A and the record, stored; or the reasons it failed.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Batch, DossierPlan } from '../domain/batch.ts';
import { errorReport, InputError, type ErrorReport } from '../domain/errors.ts';
import type { FieldCandidate } from '../domain/metadata/model.ts';
import { partialFields } from '../domain/metadata/partial.ts';
import type { RecognizedPage } from '../domain/page.ts';
import {
  documentRecordSchema,
  type DocumentRecord,
  type DocumentReport,
  type DossierDocumentEntry,
  type PageReport,
  type ProvenanceRecord,
  type SignatureRecord,
  type SourceFileRecord,
} from '../domain/record.ts';
import { openScannedPdf, type ScannedPdf } from '../pdf/read-scanned-pdf.ts';
import { sortPages } from '../report/batch-report.ts';
import { assembleDocument } from '../stages/assemble-pdf.ts';
import { extractDocumentMetadata } from '../stages/extract-metadata.ts';
import type { PageSource } from '../stages/ingest.ts';
import { originalKeys, storeDocument, type ObjectLock } from '../stages/store.ts';
import type { Limiter } from './limiter.ts';
import type { Pipeline } from './pipeline-file.ts';
import type { PlannedDocument } from './plan-batch.ts';
import type { BatchProgress, BatchRunContext } from './run-context.ts';
import { donePage, runPage } from './run-page.ts';

export interface DocumentOutcome {
  entry: DossierDocumentEntry;
  report: DocumentReport;
  /** The published record, when the document was stored. */
  record?: DocumentRecord;
  dossierCandidates: FieldCandidate[];
}

export async function runDocument(
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
