// The watcher's memory of each inbox batch, kept in the output store: what it took, with which files, and how it ended.
import { createHash } from 'node:crypto';
import { objectKeys } from '../storage/keys.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { contentTypes, encodeJson } from '../storage/stored-json.ts';
import type { WatchLedger, WatchRecord } from '../domain/watch-ledger.ts';

export type { WatchRecord } from '../domain/watch-ledger.ts';

/**
 * What to do with a ready batch, given what the store remembers. A batch taken but never finished was cut short
 * (the watcher was killed): it is run again, and the run's skip rule keeps the dossiers that were completed, so
 * nothing is lost and nothing is published twice. Changed files, a new fingerprint, run it again the same way.
 */
export function nextStep(record: WatchRecord | undefined, fingerprint: string): 'take' | 'resume' | 'finish' | 'skip' {
  // Part-moved or part-deleted: what is left is the rest of a finished batch, whatever its files now are.
  if (record?.state === 'finishing') return 'finish';
  if (!record || record.fingerprint !== fingerprint) return 'take';
  return record.state === 'taken' ? 'resume' : 'skip';
}

/** The ledger of embedded mode, in the output store: one watcher per inbox, so a take is never contested. */
export class WatchState implements WatchLedger {
  readonly #store: ObjectStore;
  /**
   * Records read or written by this watcher. It is the only writer of its store's records, so after the first
   * look a poll costs no request per finished batch; the store stays the truth for the next start.
   */
  readonly #known = new Map<string, WatchRecord | undefined>();

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  async get(batch: string): Promise<WatchRecord | undefined> {
    if (this.#known.has(batch)) return this.#known.get(batch);
    const record = await this.#read(batch);
    this.#known.set(batch, record);
    return record;
  }

  async #read(batch: string): Promise<WatchRecord | undefined> {
    const body = await this.#store.get(keyOf(batch));
    if (!body) return undefined;
    const record = JSON.parse(new TextDecoder().decode(body)) as WatchRecord;
    // Two names could share a hash only by design of an attacker; the name inside settles it.
    return record.batch === batch ? record : undefined;
  }

  async take(batch: string, fingerprint: string, at: string): Promise<boolean> {
    await this.mark({ batch, fingerprint, state: 'taken', at });
    return true;
  }

  async mark(record: WatchRecord): Promise<void> {
    await this.#store.put(keyOf(record.batch), encodeJson(record), { contentType: contentTypes.json, metadata: { watchBatch: record.batch } });
    this.#known.set(record.batch, record);
  }
}

function keyOf(batch: string): string {
  return objectKeys.watchRecord(createHash('sha256').update(batch).digest('hex').slice(0, 32));
}
