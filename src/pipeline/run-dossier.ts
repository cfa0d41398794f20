// The dossier runner: the skip rule, its documents through the document runner, then dossier.xml and dossier.json, published last.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Batch, DossierPlan } from '../domain/batch.ts';
import { draftDossierRecord } from '../domain/draft-records.ts';
import { dossierMetadata } from '../domain/metadata/dossier-metadata.ts';
import { type DossierRecord, type DossierReport, type ProvenanceRecord, type SourceFileRecord } from '../domain/record.ts';
import { parseRetention, retainUntil } from '../domain/retention.ts';
import { buildDossierXml } from '../export/dossier-xml.ts';
import { manifestCandidates } from '../stages/extract.ts';
import { sha256File } from '../stages/ingest.ts';
import { readDossierRecord, removeStrayObjects, sha256Hex, storeDossierExport, storeDossierRecord, type ObjectLock } from '../stages/store.ts';
import type { Limiter } from '../common/limiter.ts';
import type { PlannedDossier } from './plan-batch.ts';
import type { BatchProgress, BatchRunContext } from './run-context.ts';
import { languageOf, runDocument, settledOrThrow } from './run-document.ts';

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

/** Runs one dossier: skipped when its record says it is complete with the same inputs, else every document, then its records. */
export async function runDossier(batch: Batch, planned: PlannedDossier, ctx: BatchRunContext, limiter: Limiter, progress: BatchProgress): Promise<DossierReport> {
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
      planned.documents.map((doc) => runDocument(doc, { batch, dossier, pipeline, provenance, sources, createdAt, limiter, progress, lock }, { ...ctx, log })),
    ),
  );

  ctx.signal?.throwIfAborted();
  const manifest = manifestCandidates({ ...dossier.metadata, ...(dossier.code ? { code: dossier.code } : {}), ...(dossier.title ? { title: dossier.title } : {}), kind: dossier.kind });
  const settled = dossierMetadata(manifest, results, languageOf(pipeline));
  const draft = draftDossierRecord({ batchId: batch.id, dossier, settled, fingerprint, provenance, documents: results.map((r) => r.entry), createdAt });
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
