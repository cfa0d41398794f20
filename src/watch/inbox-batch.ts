// What the watcher sees of one batch in the inbox: its files as listed, without the junk, and their fingerprint.
import { createHash } from 'node:crypto';

/** One file of a batch as a listing shows it, by its path inside the batch folder or prefix. */
export interface InboxFile {
  /** Relative to the batch, with "/" between segments. */
  path: string;
  sizeBytes: number;
  /** Last modification, epoch ms (a folder's mtime; an object's LastModified). */
  modifiedMs: number;
  /** An object's ETag: it names the content, so it changes when the bytes do. Absent for local files. */
  etag?: string;
}

/**
 * What network shares, desktop clients and scanner software leave beside the scans: macOS and Windows metadata,
 * Synology's index folders, partial downloads and Office lock files. A hidden file or folder (a segment starting
 * with ".") is junk too. Matching is by segment, case-insensitive, so `Scans/THUMBS.DB` is junk as well.
 */
const junkNames = new Set(['.ds_store', 'thumbs.db', 'desktop.ini', '@eadir']);
const junkSuffixes = ['.part', '.tmp', '.crdownload', '.partial'];

export function isJunk(relativePath: string): boolean {
  return relativePath.split('/').some((segment) => {
    const name = segment.toLowerCase();
    if (name === '') return false;
    return junkNames.has(name) || name.startsWith('.') || name.startsWith('~$') || junkSuffixes.some((suffix) => name.endsWith(suffix));
  });
}

/**
 * Junk a finished batch may be removed with: what desktops and NAS index leave (Thumbs.db, ._* forks, @eaDir).
 * Not partial uploads or other hidden files (rsync's .name.XXXX): those may be someone's upload in progress.
 */
export function isLeftover(relativePath: string): boolean {
  return relativePath.split('/').some((segment) => {
    const name = segment.toLowerCase();
    return junkNames.has(name) || name.startsWith('._');
  });
}

/** The batch's files that count: junk left out, in a stable order. */
export function batchFiles(listed: readonly InboxFile[]): InboxFile[] {
  return listed.filter((file) => !isJunk(file.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Decides whether a batch is the one already taken: names, sizes and content tags (ETags) when the store gives
 * them, else modification times. A re-upload of the same files gives the same fingerprint and is not taken again;
 * one replaced page changes it, and the run's own skip rule then redoes only the dossiers whose inputs changed.
 */
export function batchFingerprint(files: readonly InboxFile[]): string {
  const hash = createHash('sha256');
  for (const file of batchFiles(files)) hash.update(`${file.path}\u0000${file.sizeBytes}\u0000${file.etag ?? `mtime:${file.modifiedMs}`}\n`);
  return hash.digest('hex');
}
