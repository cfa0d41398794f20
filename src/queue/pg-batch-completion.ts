// The batch-completion table of our own (`<schema>.batch`): its DDL, the atomic claim, and the fenced renew and report marks.
/*
 * A row per batch. Its `completions` column is the fencing token: every claim, every new dossier and every retry
 * raises it, and a renewal or a "reported" mark changes the row only when it names the current value. Leases are
 * measured on the database's clock, never a worker's. The claim reads pg-boss's job table inside the same UPDATE,
 * because only one statement can decide "complete and unclaimed" atomically.
 */
import type { BatchClaim } from './job-queue.ts';

/** The part of pg-boss's database handle used here (`boss.getDb()`). */
export interface SqlRunner {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PgBatchCompletionOptions {
  schema: string;
  bossSchema: string;
  queueName: string;
  reportLeaseMs: number;
}

/** Job states pg-boss has not finished with: a batch with any of them is not complete. */
export const openStates = `('created', 'retry', 'active')`;

export class PgBatchCompletion {
  private readonly options: PgBatchCompletionOptions;

  constructor(options: PgBatchCompletionOptions) {
    this.options = options;
  }

  /** Creates our schema and table if missing; safe when several workers start at once. */
  async createTable(db: SqlRunner): Promise<void> {
    const { schema } = this.options;
    // Several workers may start at once: the advisory lock makes them create the table one at a time.
    await db.executeSql(`
        SELECT pg_advisory_xact_lock(hashtext('sohoa-queue-schema'));
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.batch (
          batch_id text PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now(),
          claimed_at timestamptz,
          reported_at timestamptz,
          completions integer NOT NULL DEFAULT 0
        );`);
  }

  /** Records an enqueued batch; `hasNewJobs` opens a new completion (and so a new report) for it. */
  async enqueued(db: SqlRunner, batchId: string, hasNewJobs: boolean): Promise<void> {
    await db.executeSql(
      `INSERT INTO ${this.options.schema}.batch (batch_id) VALUES ($1)
           ON CONFLICT (batch_id) DO UPDATE SET
             claimed_at = CASE WHEN $2::boolean THEN NULL ELSE batch.claimed_at END,
             reported_at = CASE WHEN $2::boolean THEN NULL ELSE batch.reported_at END,
             completions = CASE WHEN $2::boolean THEN batch.completions + 1 ELSE batch.completions END`,
      [batchId, hasNewJobs],
    );
  }

  /** Retried dossiers open a new completion, which fences out any claim made before. */
  async reopen(db: SqlRunner, batchId: string): Promise<void> {
    await db.executeSql(`UPDATE ${this.options.schema}.batch SET claimed_at = NULL, reported_at = NULL, completions = completions + 1 WHERE batch_id = $1`, [batchId]);
  }

  async isReported(db: SqlRunner, batchId: string): Promise<boolean> {
    const { rows } = await db.executeSql(`SELECT reported_at FROM ${this.options.schema}.batch WHERE batch_id = $1`, [batchId]);
    return Boolean((rows[0] as { reported_at?: unknown } | undefined)?.reported_at);
  }

  /**
   * One atomic UPDATE: the row changes only if the batch is complete and unclaimed (or its claim lapsed). Every
   * job of the batch counts, superseded revisions too: one that is finished is not open, and one still waiting
   * or running holds the report back until it ends, so the report never races a dossier still being written.
   */
  async claim(db: SqlRunner, batchId: string | undefined): Promise<BatchClaim[]> {
    const { schema, bossSchema, queueName, reportLeaseMs } = this.options;
    const { rows } = await db.executeSql(
      `UPDATE ${schema}.batch b SET claimed_at = now(), completions = completions + 1
         WHERE ${batchId === undefined ? 'TRUE' : 'b.batch_id = $3'}
           AND b.reported_at IS NULL
           AND (b.claimed_at IS NULL OR b.claimed_at < now() - $2::bigint * interval '1 millisecond')
           AND EXISTS (SELECT 1 FROM ${bossSchema}.job j WHERE j.name = $1 AND j.data->>'batchId' = b.batch_id)
           AND NOT EXISTS (SELECT 1 FROM ${bossSchema}.job j WHERE j.name = $1 AND j.data->>'batchId' = b.batch_id AND j.state IN ${openStates})
         RETURNING b.batch_id AS "batchId", b.completions AS token`,
      batchId === undefined ? [queueName, reportLeaseMs] : [queueName, reportLeaseMs, batchId],
    );
    return (rows as { batchId: string; token: number }[]).map((row) => ({ batchId: row.batchId, token: Number(row.token) }));
  }

  renew(db: SqlRunner, claim: BatchClaim): Promise<boolean> {
    return this.fenced(db, 'claimed_at = now()', claim);
  }

  markReported(db: SqlRunner, claim: BatchClaim): Promise<boolean> {
    return this.fenced(db, 'reported_at = now()', claim);
  }

  /** An UPDATE of the batch row that applies only while `claim` is the current, unreported claim. */
  private async fenced(db: SqlRunner, set: string, claim: BatchClaim): Promise<boolean> {
    const { rows } = await db.executeSql(
      `UPDATE ${this.options.schema}.batch SET ${set}
         WHERE batch_id = $1 AND completions = $2 AND claimed_at IS NOT NULL AND reported_at IS NULL
         RETURNING batch_id`,
      [claim.batchId, claim.token],
    );
    return rows.length === 1;
  }
}
