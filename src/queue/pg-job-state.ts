// Reads of the queue's jobs: a batch's status, outcomes and failed jobs, and the queue's counts.
/*
 * A batch's jobs are read through pg-boss's own `findJobs` (by the batch id in their data), page by page. Three
 * reads stay SQL on `<bossSchema>.job`, which pg-boss documents for use from SQL, because its API has no
 * equivalent: `getQueueStats` serves counts cached by the last monitor pass, while the metrics and `hasOpenJobs`
 * must see a job the moment it is created or retried; and no call lists the pipelines the open jobs name.
 * A dossier enqueued again with a new revision (re-scanned files) has a job per revision: status, outcomes and
 * retries see only its newest, so a superseded revision neither counts as a second dossier nor stays failed.
 */
import { isErrorCode } from '../domain/error-codes.ts';
import type { ErrorKind } from '../domain/errors.ts';
import { emptyCounts, type BatchStatus, type DossierJob, type DossierOutcome, type FailedDossier, type FailureReason, type JobState } from './job-queue.ts';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { openStates, type SqlRunner } from './pg-batch-completion.ts';

export interface JobTable {
  bossSchema: string;
  queueName: string;
}

const pgBossStates: Record<string, JobState> = {
  created: 'waiting',
  retry: 'retrying',
  active: 'active',
  completed: 'done',
  failed: 'failed',
  cancelled: 'failed',
};
const errorKinds = new Set<string>(['input', 'transient', 'config', 'internal']);
const cancelled = { kind: 'internal' as const, message: 'cancelled by an operator' };

/** Jobs a page of `findJobs` returns; a batch has one job per dossier, so most batches are one page. */
const jobsPerPage = 10_000;

/**
 * Every job of a batch, oldest first. A page is continued after its last job; if that job was deleted in the
 * meantime (pg-boss's retention), `findJobs` refuses to go on, and the batch is read again from the start, once.
 */
async function batchJobs(boss: Pick<PgBoss, 'findJobs'>, queueName: string, batchId: string, retried = false): Promise<JobWithMetadata<DossierJob>[]> {
  const jobs: JobWithMetadata<DossierJob>[] = [];
  try {
    for (let after: string | undefined; ; ) {
      const page = await boss.findJobs<DossierJob>(queueName, { data: { batchId }, limit: jobsPerPage, ...(after ? { after } : {}) });
      jobs.push(...page);
      if (page.length < jobsPerPage) return jobs;
      after = page[page.length - 1]!.id;
    }
  } catch (err) {
    if (retried || jobs.length === 0) throw err;
    return batchJobs(boss, queueName, batchId, true);
  }
}

/** The newest job of each dossier (by creation, then id), so an older revision of a dossier drops out. */
export function newestPerDossier<T extends Pick<JobWithMetadata<DossierJob>, 'id' | 'createdOn' | 'data'>>(jobs: readonly T[]): T[] {
  const newest = new Map<string, T>();
  for (const job of jobs) {
    const kept = newest.get(job.data.dossierId);
    if (!kept || isNewer(job, kept)) newest.set(job.data.dossierId, job);
  }
  return [...newest.values()];
}

function isNewer(a: Pick<JobWithMetadata, 'id' | 'createdOn'>, b: Pick<JobWithMetadata, 'id' | 'createdOn'>): boolean {
  const byTime = new Date(a.createdOn).getTime() - new Date(b.createdOn).getTime();
  return byTime !== 0 ? byTime > 0 : a.id > b.id;
}

/**
 * Jobs a new revision has made useless: older jobs of the same dossiers still waiting for a worker (created or
 * retrying). A running one is left to end; the skip rule then keeps whichever output is current.
 */
export async function supersededJobIds(boss: Pick<PgBoss, 'findJobs'>, queueName: string, batchId: string, newIds: ReadonlySet<string>): Promise<string[]> {
  const jobs = await batchJobs(boss, queueName, batchId);
  const renewed = new Set(jobs.filter((job) => newIds.has(job.id)).map((job) => job.data.dossierId));
  return jobs.filter((job) => !newIds.has(job.id) && renewed.has(job.data.dossierId) && (job.state === 'created' || job.state === 'retry')).map((job) => job.id);
}

/** The current job of every dossier of a batch. */
async function currentJobs(boss: Pick<PgBoss, 'findJobs'>, queueName: string, batchId: string): Promise<JobWithMetadata<DossierJob>[]> {
  return newestPerDossier(await batchJobs(boss, queueName, batchId));
}

/** The jobs' part of a batch status; `reported` comes from the batch-completion table. */
export async function readStatus(boss: Pick<PgBoss, 'findJobs'>, table: JobTable, batchId: string, reported: () => Promise<boolean>): Promise<BatchStatus> {
  const jobs = await currentJobs(boss, table.queueName, batchId);
  const isReported = await reported();
  const counts = emptyCounts();
  const failed: FailedDossier[] = [];
  for (const job of jobs) {
    const state = pgBossStates[job.state] ?? 'failed';
    counts[state] += 1;
    if (state === 'failed') {
      const reason = job.state === 'cancelled' ? cancelled : reasonOf(job.output);
      failed.push({
        dossierId: job.data.dossierId,
        ...reason,
        attempts: Number(job.retryCount) + 1,
        ...(job.completedOn ? { failedAt: new Date(job.completedOn).toISOString() } : {}),
      });
    }
  }
  failed.sort((a, b) => a.dossierId.localeCompare(b.dossierId));
  const total = jobs.length;
  const open = counts.waiting + counts.active + counts.retrying;
  return { batchId, total, counts, failed, complete: total > 0 && open === 0, reported: isReported };
}

export async function readOutcomes(boss: Pick<PgBoss, 'findJobs'>, table: JobTable, batchId: string): Promise<DossierOutcome[]> {
  const jobs = await currentJobs(boss, table.queueName, batchId);
  // Dossier order, as the failed list of a status is sorted, whatever the database's collation.
  jobs.sort((a, b) => a.data.dossierId.localeCompare(b.data.dossierId));
  return jobs.map((job) => {
    const state = pgBossStates[job.state] ?? 'failed';
    const output: unknown = typeof job.output === 'string' ? safeJson(job.output) : job.output;
    return {
      job: job.data,
      state,
      attempts: Number(job.retryCount) + 1,
      ...(state === 'done' && output !== null && output !== undefined ? { result: output } : {}),
      ...(state === 'failed' ? { failure: job.state === 'cancelled' ? cancelled : reasonOf(output) } : {}),
    };
  });
}

/** Ids of the failed jobs of a batch, or of one of its dossiers; a superseded revision is not retried. */
export async function failedJobIds(boss: Pick<PgBoss, 'findJobs'>, table: JobTable, batchId: string, dossierId?: string): Promise<string[]> {
  const jobs = await currentJobs(boss, table.queueName, batchId);
  return jobs.filter((job) => job.state === 'failed' && (dossierId === undefined || job.data.dossierId === dossierId)).map((job) => job.id);
}

export async function countJobs(db: SqlRunner, table: JobTable): Promise<{ waiting: number; active: number }> {
  const { rows } = await db.executeSql(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting, count(*) FILTER (WHERE state = 'active')::int AS active
         FROM ${table.bossSchema}.job WHERE name = $1 AND state IN ${openStates}`,
    [table.queueName],
  );
  const row = (rows[0] ?? {}) as { waiting?: number; active?: number };
  return { waiting: Number(row.waiting ?? 0), active: Number(row.active ?? 0) };
}

export async function pipelinesOfOpenJobs(db: SqlRunner, table: JobTable): Promise<string[]> {
  const { rows } = await db.executeSql(
    `SELECT DISTINCT data->>'pipeline' AS pipeline FROM ${table.bossSchema}.job
      WHERE name = $1 AND state IN ${openStates} AND data ? 'pipeline' ORDER BY 1`,
    [table.queueName],
  );
  return rows.map((row) => String((row as { pipeline: string }).pipeline));
}

export async function anyOpenJob(db: SqlRunner, table: JobTable): Promise<boolean> {
  const { rows } = await db.executeSql(`SELECT 1 FROM ${table.bossSchema}.job WHERE name = $1 AND state IN ${openStates} LIMIT 1`, [table.queueName]);
  return rows.length > 0;
}

/** The reason stored as a failed job's output: ours ({kind, message}) or pg-boss's own ({value: {message}}). */
function reasonOf(output: unknown): FailureReason {
  const value = (typeof output === 'string' ? safeJson(output) : output) as Record<string, unknown> | null;
  if (value && typeof value.kind === 'string' && errorKinds.has(value.kind) && typeof value.message === 'string') {
    const outcome = typeof value.outcome === 'object' && value.outcome !== null ? { outcome: value.outcome } : {};
    const code = isErrorCode(value.code) ? { code: value.code } : {};
    return { kind: value.kind as ErrorKind, ...code, message: value.message, ...outcome };
  }
  const inner = value?.value as Record<string, unknown> | undefined;
  if (inner && typeof inner.message === 'string') {
    // pg-boss's supervisor wrote it: the heartbeat ran out (worker lost) or the attempt ran past expireInSeconds.
    return { kind: 'transient', code: 'WORKER_LOST', message: `${inner.message} (the last attempt's worker was lost or ran too long)` };
  }
  if (value && typeof value.message === 'string') return { kind: 'internal', code: 'INTERNAL', message: value.message };
  return { kind: 'internal', code: 'INTERNAL', message: 'failed without a recorded reason' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
