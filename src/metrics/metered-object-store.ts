// An ObjectStore that counts what passes through it: bytes written and failed operations, for the metrics.
import type { ObjectHead, ObjectInfo, ObjectStore, PutOptions, StoredObject } from '../storage/object-store.ts';
import type { Metrics, StorageOperation } from './metrics.ts';

/**
 * Wraps any store (local folder or S3) so the runner needs no metric calls around its storage code. An error is
 * counted once the adapter gives up (after its own retries) and then thrown unchanged.
 */
export class MeteredObjectStore implements ObjectStore {
  readonly location: string;
  private readonly inner: ObjectStore;
  private readonly metrics: Metrics;

  constructor(inner: ObjectStore, metrics: Metrics) {
    this.inner = inner;
    this.metrics = metrics;
    this.location = inner.location;
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject> {
    const stored = await this.counted('put', () => this.inner.put(key, body, options));
    this.metrics.bytesOut(stored.sizeBytes);
    return stored;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.counted('get', () => this.inner.get(key));
  }

  exists(key: string): Promise<boolean> {
    return this.counted('exists', () => this.inner.exists(key));
  }

  head(key: string): Promise<ObjectHead | undefined> {
    return this.counted('head', () => this.inner.head(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    try {
      yield* this.inner.list(prefix);
    } catch (err) {
      this.metrics.storageError('list');
      throw err;
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.counted('delete', () => this.inner.delete(keys));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async counted<T>(operation: StorageOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.metrics.storageError(operation);
      throw err;
    }
  }
}
