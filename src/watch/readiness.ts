// When a batch in the inbox is ready to take: its manifest complete, or its marker written, or nothing changing.
import { formatProblem, manifestFileNames, parseManifest } from '../domain/manifest.ts';
import { batchFiles, type InboxFile } from './inbox-batch.ts';

export interface ReadinessRules {
  /** A local file is complete once its size and mtime have not changed for this long. */
  settleMs: number;
  /** Take the batch only once this file exists (written by the upload script after the last file). */
  readyMarker?: string;
  /**
   * Objects of a store are complete once listed, so the files a manifest names need not settle there. A batch
   * without a manifest has no list of its files, so on either source it is ready only once no file has been
   * added or changed for the settle time.
   */
  source: 'folder' | 's3';
  /**
   * A batch whose manifest names files that have not arrived, with nothing in it changing for this long, is given
   * up on: it gets a report naming the missing files, and a corrected upload is taken as a new batch.
   */
  giveUpMs?: number;
}

/** How long each file has kept its current size and mtime, as the watcher saw it on earlier looks. */
export type SettleMemory = ReadonlyMap<string, { sizeBytes: number; modifiedMs: number; sinceMs: number }>;

export type Readiness =
  | { state: 'ready'; files: InboxFile[] }
  | { state: 'waiting'; reason: string; missing?: string[] }
  /** Settled but unusable: the manifest does not parse; the batch gets a report with the reasons. */
  | { state: 'bad'; manifest: string; problems: string[] };

/** What the watcher remembers after a look: when each file last changed, so settling survives between looks. */
export function rememberSettling(previous: SettleMemory, files: readonly InboxFile[], nowMs: number): SettleMemory {
  const next = new Map<string, { sizeBytes: number; modifiedMs: number; sinceMs: number }>();
  for (const file of files) {
    const before = previous.get(file.path);
    const unchanged = before !== undefined && before.sizeBytes === file.sizeBytes && before.modifiedMs === file.modifiedMs;
    next.set(file.path, { sizeBytes: file.sizeBytes, modifiedMs: file.modifiedMs, sinceMs: unchanged ? before.sinceMs : nowMs });
  }
  return next;
}

/**
 * Judges one batch from a listing. `manifestText` is the manifest's content when the listing has one (the caller
 * reads it). A copy that keeps the original mtimes (Windows Explorer, rsync -t) can make a half-copied file look
 * old, so a file counts as settled only once the watcher itself has seen it unchanged for the settle time.
 */
export function judgeReadiness(listed: readonly InboxFile[], rules: ReadinessRules, memory: SettleMemory, nowMs: number, manifestText?: string): Readiness {
  const files = batchFiles(listed);
  if (files.length === 0) return { state: 'waiting', reason: 'the batch has no files yet' };
  if (rules.readyMarker !== undefined && !files.some((f) => f.path === rules.readyMarker)) {
    return { state: 'waiting', reason: `no ${rules.readyMarker} marker yet` };
  }
  const changingNow = files.filter((f) => !isSettled(f, memory, rules.settleMs, nowMs)).map((f) => f.path);
  const manifest = manifestOf(files);
  const unsettled = manifest && rules.source === 's3' ? [] : changingNow;
  if (!manifest) {
    // A folder-layout batch has no list of its files: it is ready once nothing in it changes for the settle time.
    return unsettled.length === 0 ? { state: 'ready', files } : { state: 'waiting', reason: 'files are still changing', missing: unsettled };
  }
  if (manifestText === undefined) return { state: 'waiting', reason: `${manifest.path} not read yet` };
  const plan = parseManifest(manifest.path, manifestText);
  if (plan.problems.length > 0) {
    // A manifest still being written parses badly too: it is judged only once it has settled.
    if (unsettled.includes(manifest.path)) return { state: 'waiting', reason: `${manifest.path} is still changing` };
    return { state: 'bad', manifest: manifest.path, problems: plan.problems.map((p) => `${p.code ?? 'MANIFEST_INVALID'}: ${formatProblem(manifest.path, p)}`) };
  }
  const present = new Set(files.map((f) => f.path));
  const missing = [...new Set(plan.references.map((r) => r.file))].filter((file) => !present.has(file));
  if (missing.length > 0) {
    const quietMs = nowMs - Math.max(...files.map((f) => memory.get(f.path)?.sinceMs ?? nowMs));
    if (rules.giveUpMs !== undefined && quietMs >= rules.giveUpMs) {
      const waited = Math.round(quietMs / 1000);
      const problems = missing.map((file) => `MANIFEST_FILE_MISSING: ${manifest.path} names ${file}, which has not arrived after ${waited} s with nothing else changing; upload it, or correct the manifest`);
      return { state: 'bad', manifest: manifest.path, problems };
    }
    return { state: 'waiting', reason: `${missing.length} file(s) the manifest names have not arrived`, missing };
  }
  // Every file, named or not: the fingerprint covers them all, so a file still growing beside the named ones
  // would make each look a new batch, taken again and again.
  if (unsettled.length > 0) return { state: 'waiting', reason: 'files of the batch are still changing', missing: unsettled };
  return { state: 'ready', files };
}

function isSettled(file: InboxFile, memory: SettleMemory, settleMs: number, nowMs: number): boolean {
  const seen = memory.get(file.path);
  if (!seen || seen.sizeBytes !== file.sizeBytes || seen.modifiedMs !== file.modifiedMs) return false;
  return nowMs - seen.sinceMs >= settleMs;
}

/** The batch's manifest, if it has one: `manifest.json` or `manifest.csv` at its top, any case. */
export function manifestOf(files: readonly InboxFile[]): InboxFile | undefined {
  return files.find((f) => !f.path.includes('/') && (manifestFileNames as readonly string[]).includes(f.path.toLowerCase()));
}
