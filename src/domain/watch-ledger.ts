// What a watcher remembers of each inbox batch, and the port that keeps it: the output store, or PostgreSQL.

/** One batch as the watchers last left it. `taken` is written before the run (or enqueue), `done` or `bad` after. */
export interface WatchRecord {
  /** The batch's folder or prefix name in the inbox. */
  batch: string;
  /** Names, sizes and content tags of the batch's files when it was taken (see batchFingerprint). */
  fingerprint: string;
  /**
   * `finishing`: done, and --on-done is moving or deleting the originals; a watcher killed meanwhile finishes
   * that on its next look (embedded mode only, where --on-done is allowed).
   */
  state: 'taken' | 'finishing' | 'done' | 'bad';
  /** ISO 8601 time of the change. */
  at: string;
  /** Why a bad batch was not run (its manifest's problems), for the log and the report. */
  reasons?: string[];
}

/**
 * Where watchers keep their records, never only in memory, so a watcher killed at any moment and started again
 * loses and repeats nothing. Embedded mode keeps them in the output store (one watcher per inbox); distributed
 * mode keeps them in PostgreSQL, where `take` is one atomic statement, so many watchers on one inbox take a
 * batch once.
 */
export interface WatchLedger {
  get(batch: string): Promise<WatchRecord | undefined>;
  /**
   * Claims a ready batch with this fingerprint. True: this watcher runs (or enqueues) it now. False: another
   * watcher holds it, or has finished it with these files.
   */
  take(batch: string, fingerprint: string, at: string): Promise<boolean>;
  /** Records how a taken batch ended (`done`), or that it cannot be run (`bad`). */
  mark(record: WatchRecord): Promise<void>;
}
