// The embedded default store: a folder with the same key layout as the object store, written atomically.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TransientError } from '../domain/errors.ts';
import type { ObjectHead, ObjectInfo, ObjectStore, PutOptions, StoredObject } from './object-store.ts';
import { assertSafeKey } from './keys.ts';

/** Suffix of temporary files; a crash can leave them behind and they are never listed as objects. */
const tempSuffix = '.sohoa-tmp';

/**
 * A folder keeps no user metadata, content type or retention: `put` ignores `metadata`, `retainUntil` and
 * `lockMode`, and `head` answers `metadata: {}` and no content type. The JSON records next to each object carry
 * that information, so nothing is lost; retention must be enforced by the archive's own storage.
 */
export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = this.root;
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject> {
    const target = this.pathOf(key);
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (options.sha256 && options.sha256 !== sha256) {
      throw new Error(`object ${key}: body SHA-256 ${sha256} differs from the expected ${options.sha256}`);
    }
    const temp = `${target}.${randomUUID()}${tempSuffix}`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      // Write, flush to disk, then rename: readers see the old object or the whole new one, never a part.
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new TransientError('STORE_WRITE_FAILED', `could not write ${target}: ${(err as Error).message}; check free space and permissions`, {}, { cause: err });
    }
    return { key, sizeBytes: body.byteLength, sha256, contentType: options.contentType };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      // Hashing by stream keeps memory flat for large PDFs; a folder has no stored checksum to read instead.
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
      return { key, sizeBytes: info.size, sha256: hash.digest('hex'), metadata: {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const found: ObjectInfo[] = [];
    await this.walk(this.root, found);
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const info of found) if (info.key.startsWith(prefix)) yield info;
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  /** Nothing to release: every call opens and closes its own files. */
  async close(): Promise<void> {}

  private pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async walk(dir: string, found: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(full, found);
      else if (entry.isFile() && !entry.name.endsWith(tempSuffix)) {
        const key = path.relative(this.root, full).split(path.sep).join('/');
        const info = await stat(full);
        found.push({ key, sizeBytes: info.size, lastModified: info.mtime });
      }
    }
  }
}
