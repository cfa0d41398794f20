// PgWatchLedger: the WatchLedger port in a table of ours (`<schema>.watch_batch`), shared by every watcher of an inbox.
/*
 * A row per inbox and batch. `take` is one INSERT … ON CONFLICT DO UPDATE … WHERE, so of many watchers that look
 * at a ready batch at once exactly one gets true: PostgreSQL locks the row, and the others re-check the condition
 * against the row the winner left. A take is a lease: `taken_at` is measured on the database's clock, never a
 * watcher's, and a take older than `leaseMs` belongs to a watcher that died, so the next look resumes it.
 * Marks are fenced by the fingerprint: `done` finishes the take of exactly these files, and no mark replaces
 * another watcher's live take of other files.
 */
import type { WatchLedger, WatchRecord } from '../domain/watch-ledger.ts';
import { ConfigError } from '../domain/errors.ts';
import type { SqlRunner } from './pg-batch-completion.ts';

export interface PgWatchLedgerOptions {
  /** Schema of sohoa's own tables (a lower-case SQL identifier, checked by PgBossQueue). */
  schema: string;
  /** Where the inbox is (a folder path or an `s3://bucket/prefix`): part of the key, so inboxes never collide. */
  inbox: string;
  /** A take not finished within this is another watcher's to resume (its watcher died). */
  leaseMs?: number;
}

export const pgWatchLedgerDefaults = { leaseMs: 120_000 } as const;

interface WatchRow {
  fingerprint: string;
  state: WatchRecord['state'];
  at: Date | string;
  reasons: unknown;
}

export class PgWatchLedger implements WatchLedger {
  readonly inbox: string;
  readonly leaseMs: number;
  private readonly db: SqlRunner;
  private readonly table: string;

  constructor(db: SqlRunner, options: PgWatchLedgerOptions) {
    const leaseMs = options.leaseMs ?? pgWatchLedgerDefaults.leaseMs;
    if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
      throw new ConfigError('QUEUE_CONFIG_INVALID', `watch leaseMs: expected a positive integer of milliseconds but received ${JSON.stringify(leaseMs)}`);
    }
    if (typeof options.inbox !== 'string' || options.inbox.trim() === '') {
      throw new ConfigError('QUEUE_CONFIG_INVALID', `watch inbox: expected the inbox's folder path or s3:// URI but received ${JSON.stringify(options.inbox)}`);
    }
    this.db = db;
    this.inbox = options.inbox;
    this.leaseMs = leaseMs;
    this.table = `${options.schema}.watch_batch`;
  }

  /** Creates our schema and the table if missing; safe when several watchers and workers start at once. */
  static async createTable(db: SqlRunner, schema: string): Promise<void> {
    // The same lock as the batch table's: whoever starts first creates the schema, the others wait for it.
    await db.executeSql(`
        SELECT pg_advisory_xact_lock(hashtext('sohoa-queue-schema'));
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.watch_batch (
          inbox text,
          batch text,
          fingerprint text NOT NULL,
          state text NOT NULL,
          at timestamptz,
          reasons jsonb,
          taken_at timestamptz,
          PRIMARY KEY (inbox, batch)
        );`);
  }

  async get(batch: string): Promise<WatchRecord | undefined> {
    const { rows } = await this.db.executeSql(`SELECT fingerprint, state, at, reasons FROM ${this.table} WHERE inbox = $1 AND batch = $2`, [this.inbox, batch]);
    const row = rows[0] as WatchRow | undefined;
    if (!row) return undefined;
    const reasons = Array.isArray(row.reasons) ? { reasons: row.reasons.map(String) } : {};
    return { batch, fingerprint: row.fingerprint, state: row.state, at: new Date(row.at).toISOString(), ...reasons };
  }

  /** True when there is no row, the files changed, or the row's take outlived its lease (its watcher died). */
  async take(batch: string, fingerprint: string, at: string): Promise<boolean> {
    const { rows } = await this.db.executeSql(
      `INSERT INTO ${this.table} AS w (inbox, batch, fingerprint, state, at, reasons, taken_at)
         VALUES ($1, $2, $3, 'taken', $4::timestamptz, NULL, now())
         ON CONFLICT (inbox, batch) DO UPDATE SET
           fingerprint = EXCLUDED.fingerprint, state = 'taken', at = EXCLUDED.at, reasons = NULL, taken_at = now()
         WHERE w.fingerprint <> EXCLUDED.fingerprint
            OR (w.state = 'taken' AND w.taken_at < now() - $5::bigint * interval '1 millisecond')
         RETURNING w.batch`,
      [this.inbox, batch, fingerprint, at, this.leaseMs],
    );
    return rows.length === 1;
  }

  /**
   * Writes how a batch ended, or renews a take (`taken` restarts its lease). A `done` applies only to the row of
   * these files: once another watcher took newer files, a late `done` for the old ones would hide them for ever.
   * `taken` and `bad` may replace a record of other files, but not another watcher's take that is still live.
   */
  async mark(record: WatchRecord): Promise<void> {
    const reasons = record.reasons === undefined ? null : JSON.stringify(record.reasons);
    await this.db.executeSql(
      `INSERT INTO ${this.table} AS w (inbox, batch, fingerprint, state, at, reasons, taken_at)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::jsonb, CASE WHEN $4 = 'taken' THEN now() END)
         ON CONFLICT (inbox, batch) DO UPDATE SET
           fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, at = EXCLUDED.at, reasons = EXCLUDED.reasons,
           taken_at = COALESCE(EXCLUDED.taken_at, w.taken_at)
         WHERE w.fingerprint = EXCLUDED.fingerprint
            OR (EXCLUDED.state <> 'done' AND NOT (w.state = 'taken' AND w.taken_at >= now() - $7::bigint * interval '1 millisecond'))`,
      [this.inbox, record.batch, record.fingerprint, record.state, record.at, reasons, this.leaseMs],
    );
  }
}
