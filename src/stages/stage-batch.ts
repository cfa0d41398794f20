// Copies a batch from an object store (the records office's inbox) to a local folder that ingest can read.
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { createLimiter } from '../common/limiter.ts';
import type { ObjectStore } from '../storage/object-store.ts';

/**
 * One object at a time per slot goes from the store to disk, so memory holds a few page files, never the batch.
 * Keys were checked by the store (no `..`, no absolute paths), so they map to paths inside `dir`.
 */
export async function stageBatch(source: ObjectStore, dir: string, log: Logger, concurrency = 4): Promise<{ files: number; bytes: number }> {
  const started = performance.now();
  const limit = createLimiter(concurrency);
  const copies: Array<Promise<number>> = [];
  for await (const object of source.list('')) {
    copies.push(
      limit(async () => {
        const body = await source.get(object.key);
        if (!body) return 0; // Deleted since it was listed: the batch's manifest check will name it if it mattered.
        const target = path.join(dir, ...object.key.split('/'));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, body);
        // The copy keeps the object's time: records take their date from the inputs, so a re-run gives equal bytes.
        if (object.lastModified) await utimes(target, object.lastModified, object.lastModified);
        return body.byteLength;
      }),
    );
  }
  const sizes = await Promise.all(copies);
  const bytes = sizes.reduce((a, b) => a + b, 0);
  log.info({ event: 'batch.staged', from: source.location, files: sizes.length, bytes, durationMs: Math.round(performance.now() - started) }, 'batch.staged');
  return { files: sizes.length, bytes };
}
