// Reads of pg-boss's job table for the queue: a batch's status and outcomes, failed jobs, and the queue's counts.
/*
 * These read `<bossSchema>.job` (name, state, data, output, retry_count, completed_on) in SQL, which pg-boss
 * documents for use from SQL. Its API is not used here on purpose: `findJobs` returns at most 100,000 rows a
 * page, oldest first, and its paging throws when the page's last job was deleted meanwhile, so a batch would no
 * longer be read in one statement nor in dossier order as the database sorts it; `getQueueStats` serves counts
 * cached by the last monitor pass, while `hasOpenJobs` must see a job the moment it is created or retried.
 */
import { isErrorCode } from '../domain/error-codes.ts';
import type { ErrorKind } from '../domain/errors.ts';
import { emptyCounts, type BatchStatus, type DossierJob, type DossierOutcome, type FailedDossier, type FailureReason, type JobState } from './job-queue.ts';
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

interface JobRow {
  dossierId: string;
  state: string;
  output: unknown;
  retryCount: number;
  completedOn: Date | string | null;
}

/** The jobs' part of a batch status; `reported` comes from the batch-completion table. */
export async function readStatus(db: SqlRunner, table: JobTable, batchId: string, reported: () => Promise<boolean>): Promise<BatchStatus> {
  const { rows } = await db.executeSql(
    `SELECT data->>'dossierId' AS "dossierId", state, output, retry_count AS "retryCount", completed_on AS "completedOn"
         FROM ${table.bossSchema}.job WHERE name = $1 AND data->>'batchId' = $2`,
    [table.queueName, batchId],
  );
  const isReported = await reported();
  const counts = emptyCounts();
  const failed: FailedDossier[] = [];
  for (const row of rows as JobRow[]) {
    const state = pgBossStates[row.state] ?? 'failed';
    counts[state] += 1;
    if (state === 'failed') {
      const reason = row.state === 'cancelled' ? cancelled : reasonOf(row.output);
      failed.push({
        dossierId: row.dossierId,
        ...reason,
        attempts: Number(row.retryCount) + 1,
        ...(row.completedOn ? { failedAt: new Date(row.completedOn).toISOString() } : {}),
      });
    }
  }
  failed.sort((a, b) => a.dossierId.localeCompare(b.dossierId));
  const total = rows.length;
  const open = counts.waiting + counts.active + counts.retrying;
  return { batchId, total, counts, failed, complete: total > 0 && open === 0, reported: isReported };
}

export async function readOutcomes(db: SqlRunner, table: JobTable, batchId: string): Promise<DossierOutcome[]> {
  const { rows } = await db.executeSql(
    `SELECT data, state, output, retry_count AS "retryCount" FROM ${table.bossSchema}.job
         WHERE name = $1 AND data->>'batchId' = $2 ORDER BY data->>'dossierId'`,
    [table.queueName, batchId],
  );
  return (rows as { data: DossierJob; state: string; output: unknown; retryCount: number }[]).map((row) => {
    const state = pgBossStates[row.state] ?? 'failed';
    const output = typeof row.output === 'string' ? safeJson(row.output) : row.output;
    return {
      job: row.data,
      state,
      attempts: Number(row.retryCount) + 1,
      ...(state === 'done' && output !== null && output !== undefined ? { result: output } : {}),
      ...(state === 'failed' ? { failure: row.state === 'cancelled' ? cancelled : reasonOf(output) } : {}),
    };
  });
}

/** Ids of the failed jobs of a batch, or of one of its dossiers. */
export async function failedJobIds(db: SqlRunner, table: JobTable, batchId: string, dossierId?: string): Promise<string[]> {
  const filter = dossierId === undefined ? '' : `AND data->>'dossierId' = $3`;
  const { rows } = await db.executeSql(
    `SELECT id FROM ${table.bossSchema}.job WHERE name = $1 AND data->>'batchId' = $2 ${filter} AND state = 'failed'`,
    dossierId === undefined ? [table.queueName, batchId] : [table.queueName, batchId, dossierId],
  );
  return (rows as { id: string }[]).map((row) => row.id);
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
