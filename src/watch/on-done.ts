// What becomes of a batch's originals once it is done: kept (the default), moved to an archive prefix, or deleted.
import type { Logger } from 'pino';
import { ConfigError } from '../domain/errors.ts';
import { batchFingerprint, type InboxFile } from './inbox-batch.ts';
import type { Inbox } from './inbox.ts';

export type OnDone = { kind: 'keep' } | { kind: 'delete' } | { kind: 'move'; target: string };

export function parseOnDone(text: string | undefined): OnDone {
  if (text === undefined || text === 'keep') return { kind: 'keep' };
  if (text === 'delete') return { kind: 'delete' };
  if (text.startsWith('move:') && text.length > 'move:'.length) return { kind: 'move', target: text.slice('move:'.length) };
  throw new ConfigError('WATCH_CONFIG_INVALID', `--on-done expects keep, delete or move:<folder or prefix> but received ${JSON.stringify(text)}`);
}

/**
 * Applies --on-done to a clean batch. The batch is listed again first: a file replaced or added during the run
 * belongs to no finished run, so then nothing is moved or deleted and the next look takes the batch anew.
 */
export async function applyOnDone(inbox: Inbox, batch: string, fingerprint: string, onDone: OnDone, log: Logger): Promise<'kept' | 'moved' | 'deleted' | 'changed'> {
  if (onDone.kind === 'keep') return 'kept';
  const now: InboxFile[] = await inbox.batchFiles(batch);
  if (batchFingerprint(now) !== fingerprint) {
    log.warn({ event: 'watch.on_done_skipped', batch }, `watch.on_done_skipped: ${batch} changed while it ran; its originals stay, and the next look takes the changed batch`);
    return 'changed';
  }
  const files = now.map((file) => file.path);
  if (onDone.kind === 'delete') await inbox.remove(batch, files);
  else await inbox.move(batch, files, onDone.target);
  const outcome = onDone.kind === 'delete' ? 'deleted' : 'moved';
  log.info({ event: 'watch.on_done', batch, files: files.length, outcome, ...(onDone.kind === 'move' ? { target: onDone.target } : {}) }, `watch.on_done: ${batch} ${outcome}`);
  return outcome;
}
