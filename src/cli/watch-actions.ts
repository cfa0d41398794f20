// What the watcher does with a ready batch: run it here (embedded), or enqueue its dossiers for the workers (distributed).
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { softwareVersion, type RunConfig } from '../config.ts';
import { failedStacks, toSafeId, type Batch, type DossierPlan } from '../domain/batch.ts';
import type { ErrorCode } from '../domain/error-codes.ts';
import { InputError } from '../domain/errors.ts';
import type { Logger } from '../log.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { Pipeline } from '../pipeline/pipeline-file.ts';
import { runBatch } from '../pipeline/run-batch.ts';
import type { DossierJob, JobQueue } from '../queue/job-queue.ts';
import { buildBatchReport, writeBatchReport } from '../report/batch-report.ts';
import { loadBatch } from '../stages/ingest.ts';
import { splitStacks, type SplitOptions } from '../stages/split-stacks.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { InboxFile } from '../watch/inbox-batch.ts';
import type { Inbox } from '../watch/inbox.ts';
import { applyOnDone, type OnDone } from '../watch/on-done.ts';
import type { WatchActions } from '../watch/watch-pass.ts';
import { openBatch } from './common.ts';

export interface ActionDeps {
  config: RunConfig;
  inbox: Inbox;
  store: ObjectStore;
  pipelineFor: (kind: 'component' | 'result') => Pipeline;
  /** The split stage's options when stacks are cut (--split, or the pipeline's split stage). */
  split?: SplitOptions;
  workDir: string;
  log: Logger;
}

/** A batch read where it is (a folder), or copied from the bucket to the work folder first; `done` removes the copy. */
async function openInboxBatch(deps: ActionDeps, name: string): Promise<{ batch: Batch; warnings: string[]; root: string; done: () => Promise<void> }> {
  const staging = path.join(deps.workDir, `batch-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`);
  const done = () => rm(staging, { recursive: true, force: true });
  try {
    const input = await openBatch({ ...deps.config, batch: deps.inbox.batchLocation(name) }, staging, deps.log);
    const { batch, warnings } = await splitStacks(await loadBatch(input.root, { batchId: toSafeId(name) }), deps.split, deps.log);
    return { batch, warnings, root: input.root, done };
  } catch (err) {
    // A batch that cannot be loaded or split leaves no copy behind.
    await done();
    throw err;
  }
}

/** Writes the report of a batch that cannot be run: its reasons, each with its error code, for the office to fix. */
function reportBad(deps: ActionDeps): WatchActions['reportBad'] {
  return async (name, reasons) => {
    const now = new Date();
    const report = { ...buildBatchReport(toSafeId(name), [], [], now, now), warnings: reasons };
    const lowConfidence = deps.pipelineFor('component').stages.assemble.lowConfidence;
    const batchRoot = deps.inbox.source === 'folder' ? deps.inbox.batchLocation(name) : deps.workDir;
    await writeBatchReport(deps.store, report, { batchRoot, lowConfidence, softwareVersion, log: deps.log });
  };
}

/** Embedded mode: each ready batch goes through today's runner, into the output store, with its report. */
export function embeddedActions(deps: ActionDeps & { ocr: OcrEngine; signal: AbortSignal; onDone: OnDone }): WatchActions {
  const { config, store, ocr, pipelineFor, log } = deps;
  const lowConfidence = pipelineFor('component').stages.assemble.lowConfidence;
  return {
    take: async (name) => {
      const opened = await openInboxBatch(deps, name);
      try {
        const report = await runBatch(
          opened.batch,
          {
            store,
            ocr,
            workDir: path.join(deps.workDir, 'pages'),
            log,
            pipelineFor: (dossier) => pipelineFor(dossier.kind),
            softwareVersion,
            pageConcurrency: config.poolSize + 1,
            force: false,
            pdfText: config.pdfText,
            htmlReport: { batchRoot: opened.root, lowConfidence },
            signal: deps.signal,
          },
          opened.warnings,
        );
        // Stopped part-way (SIGTERM): the batch must stay taken, so the next start runs it to the end.
        if (deps.signal.aborted) throw new Error(`the watcher was stopped while ${name} was running; it finishes the batch when it starts again`);
        const { pagesFailed, documentsFailed, dossiersNotStarted } = report.totals;
        return { clean: pagesFailed === 0 && documentsFailed === 0 && dossiersNotStarted === 0 && failedStacks(report.split).length === 0 };
      } finally {
        await opened.done();
      }
    },
    reportBad: reportBad(deps),
    ...(deps.onDone.kind === 'keep' ? {} : { finish: async (name: string, fingerprint?: string) => void (await applyOnDone(deps.inbox, name, fingerprint, deps.onDone, log)) }),
  };
}

/**
 * Distributed mode: the batch's dossiers become jobs, each with a revision made of its plan and its files. The
 * same files give the same job ids, so a second watcher (or a second look) enqueues nothing; one replaced page
 * gives its dossier a new revision, and only that dossier is enqueued again.
 */
export function distributedActions(deps: ActionDeps & { queue: Pick<JobQueue, 'enqueueDossiers'>; outUri: string }): WatchActions {
  const { config, log } = deps;
  return {
    take: async (name, files) => {
      const opened = await openInboxBatch(deps, name);
      try {
        const batchUri = deps.inbox.source === 'folder' ? path.resolve(deps.inbox.batchLocation(name)) : deps.inbox.batchLocation(name);
        const jobs: DossierJob[] = opened.batch.dossiers.map((dossier) => ({
          batchId: opened.batch.id,
          dossierId: dossier.id,
          batchUri,
          outUri: deps.outUri,
          revision: dossierRevision(dossier, files),
          ...(config.pipeline ? { pipeline: config.pipeline } : {}),
          ...(deps.split ? { split: deps.split } : {}),
        }));
        const failed = failedStacks(opened.batch.split);
        // No stack could be cut: nothing to enqueue, and the batch is bad, with each stack's reason in its report.
        if (jobs.length === 0 && failed.length > 0) throw new InputError(failed[0]!.error.code as ErrorCode, failed.map((stack) => stack.error.message).join('; '), { file: failed[0]!.file });
        const result = await deps.queue.enqueueDossiers(jobs);
        log.info({ event: 'batch.enqueued', batchId: opened.batch.id, dossiers: jobs.length, ...result }, `batch.enqueued: ${opened.batch.id}: ${result.created} new jobs, ${result.existing} already queued`);
        if (failed.length > 0) log.error({ event: 'batch.stacks-failed', batchId: opened.batch.id, stacksFailed: failed.length }, `batch.stacks-failed: ${failed.length} stacks could not be split; their pages were not enqueued: ${failed.map((stack) => stack.file).join(', ')}`);
        // The workers run it; whether it ends clean is theirs to know, so --on-done is refused in this mode.
        return { clean: false };
      } finally {
        await opened.done();
      }
    },
    reportBad: reportBad(deps),
  };
}

/** The dossier's plan and the size and content tag (or time) of each file it reads: what makes its job new. */
export function dossierRevision(dossier: DossierPlan, files: readonly InboxFile[]): string {
  const byPath = new Map(files.map((file) => [file.path.toLowerCase(), file]));
  const hash = createHash('sha256').update(JSON.stringify(dossier));
  const used = [...new Set(dossier.documents.flatMap((document) => document.sources.map((source) => source.file)))].sort();
  for (const file of used) {
    const listed = byPath.get(file.toLowerCase());
    hash.update(`\n${file}\u0000${listed ? `${listed.sizeBytes}\u0000${listed.etag ?? `mtime:${listed.modifiedMs}`}` : 'unlisted'}`);
  }
  return hash.digest('hex').slice(0, 32);
}
