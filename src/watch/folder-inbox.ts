// A hot folder as an inbox: each direct sub-folder is one batch, listed with its files' sizes and times.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isJunk, type InboxFile } from './inbox-batch.ts';

/** Batches by folder name; a batch's files by their path inside it. Loose files in the inbox root are no batch. */
export async function listFolderInbox(root: string): Promise<Map<string, InboxFile[]>> {
  const batches = new Map<string, InboxFile[]>();
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || isJunk(entry.name)) continue;
    batches.set(entry.name, await listFiles(path.join(root, entry.name)));
  }
  return batches;
}

async function listFiles(batchRoot: string): Promise<InboxFile[]> {
  const files: InboxFile[] = [];
  // A file deleted between the listing and its stat is simply not there yet (or any more): the next look sees it.
  const entries = await readdir(batchRoot, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(batchRoot, full).split(path.sep).join('/');
    if (isJunk(relative)) continue;
    const info = await stat(full).catch(() => undefined);
    if (info) files.push({ path: relative, sizeBytes: info.size, modifiedMs: info.mtimeMs });
  }
  return files;
}

export function readInboxText(root: string, batch: string, file: string): Promise<string> {
  return readFile(path.join(root, batch, ...file.split('/')), 'utf8');
}
