// A hot folder as an inbox: each direct sub-folder is one batch, listed with its files' sizes and times.
import { watch, type FSWatcher } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isJunk, isLeftover, type InboxFile } from './inbox-batch.ts';
import type { Inbox } from './inbox.ts';

export class FolderInbox implements Inbox {
  readonly location: string;
  readonly source = 'folder' as const;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  /** Sub-folders only: loose files in the inbox root are no batch. */
  async batchNames(): Promise<string[]> {
    const entries = await readdir(this.location, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && !isJunk(entry.name)).map((entry) => entry.name).sort();
  }

  batchFiles(batch: string): Promise<InboxFile[]> {
    return listFiles(path.join(this.location, batch));
  }

  async everything(): Promise<Map<string, InboxFile[]>> {
    const batches = new Map<string, InboxFile[]>();
    for (const name of await this.batchNames()) batches.set(name, await this.batchFiles(name));
    return batches;
  }

  readText(batch: string, file: string): Promise<string> {
    return readFile(this.#path(batch, file), 'utf8');
  }

  batchLocation(batch: string): string {
    return path.join(this.location, batch);
  }

  async remove(batch: string, files: readonly string[]): Promise<void> {
    for (const file of files) await rm(this.#path(batch, file), { force: true });
    await removeEmptyFolders(this.batchLocation(batch));
  }

  async move(batch: string, files: readonly string[], target: string): Promise<void> {
    const destination = path.join(path.resolve(target), batch);
    // Copied first, all of them, then removed: a move cut short leaves the originals, never a batch in neither place.
    for (const file of files) {
      const to = path.join(destination, ...file.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(this.#path(batch, file), to);
    }
    await this.remove(batch, files);
  }

  /** Linux, macOS and Windows report events for the whole tree; SMB and NFS mounts often report none (hence --poll). */
  watchChanges(onChange: (batch: string | undefined) => void, onError: (err: Error) => void): () => void {
    let watcher: FSWatcher;
    try {
      watcher = watch(this.location, { recursive: true, persistent: false }, (_event, name) => {
        const batch = name ? String(name).split(path.sep)[0] : undefined;
        onChange(batch && !isJunk(batch) ? batch : undefined);
      });
    } catch (err) {
      onError(err as Error);
      return () => {};
    }
    watcher.on('error', onError);
    return () => watcher.close();
  }

  listRequests(): number {
    return 0;
  }

  async close(): Promise<void> {}

  #path(batch: string, file: string): string {
    return path.join(this.location, batch, ...file.split('/'));
  }
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

/**
 * Removes what is left of a removed batch: desktop leftovers (Thumbs.db, .DS_Store), then the folders left empty,
 * deepest first. Anything else (a partial upload beside it) keeps its folder.
 */
async function removeEmptyFolders(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && isLeftover(path.relative(root, full).split(path.sep).join('/'))) await rm(full, { force: true });
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
  for (const folder of [...folders.sort((a, b) => b.length - a.length), root]) await rmdir(folder).catch(() => {});
}
