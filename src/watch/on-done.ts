// What becomes of a batch's originals once it is done: kept (the default), moved to an archive prefix, or deleted.
import path from 'node:path';
import type { Logger } from 'pino';
import { parseStoreLocation, type StoreLocation } from '../storage/store-location.ts';
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
 * Checks a move target against the inbox at start-up, not at the first finished batch: a folder for a folder
 * inbox, a prefix of the same bucket for an S3 one (`s3://bucket/prefix` or the bare prefix), never inside the
 * inbox, where the moved batch would come back as a new one.
 */
export function resolveOnDone(onDone: OnDone, inbox: StoreLocation): OnDone {
  if (onDone.kind !== 'move') return onDone;
  const target = parseStoreLocation(onDone.target);
  const refuse = (why: string) => new ConfigError('WATCH_CONFIG_INVALID', `--on-done move:${onDone.target}: ${why}`);
  if (inbox.kind === 'local') {
    if (target.kind !== 'local') throw refuse('the inbox is a folder, so the originals move to a folder; give a folder path');
    const [from, to] = [path.resolve(inbox.path), path.resolve(target.path)];
    if (to === from || to.startsWith(`${from}${path.sep}`) || from.startsWith(`${to}${path.sep}`)) throw refuse(`${to} overlaps the inbox ${from}; give a folder outside it`);
    return { kind: 'move', target: to };
  }
  const prefix = target.kind === 's3' ? target.prefix : onDone.target;
  if (target.kind === 's3' && target.bucket !== inbox.bucket) throw refuse(`the originals move within the inbox's bucket ${inbox.bucket} (a copy between buckets is not done here)`);
  const [from, to] = [inbox.prefix.replace(/^\/+|\/+$/g, ''), prefix.replace(/^\/+|\/+$/g, '')];
  if (to === '' || to === from || to.startsWith(`${from}/`) || (from !== '' && from.startsWith(`${to}/`)) || from === '') throw refuse(`the prefix ${to || '(the bucket root)'} overlaps the inbox ${from || '(the bucket root)'}; give a prefix outside it`);
  return { kind: 'move', target: to };
}

/**
 * Applies --on-done to a clean batch. The batch is listed again first: a file replaced or added during the run
 * belongs to no finished run, so then nothing is moved or deleted and the next look takes the batch anew.
 */
export async function applyOnDone(inbox: Inbox, batch: string, fingerprint: string | undefined, onDone: OnDone, log: Logger): Promise<'kept' | 'moved' | 'deleted' | 'changed'> {
  if (onDone.kind === 'keep') return 'kept';
  const now: InboxFile[] = await inbox.batchFiles(batch);
  if (fingerprint !== undefined && batchFingerprint(now) !== fingerprint) {
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
