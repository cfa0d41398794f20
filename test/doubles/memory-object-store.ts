// An in-memory ObjectStore for unit tests of the runners, with faults on request (a put that fails for chosen keys).
import { createHash } from 'node:crypto';
import type { ObjectHead, ObjectInfo, ObjectStore, PutOptions, StoredObject } from '../../src/storage/object-store.ts';

interface Stored {
  body: Uint8Array;
  contentType: string;
  sha256: string;
  metadata: Record<string, string>;
}

export class MemoryObjectStore implements ObjectStore {
  readonly location = 'memory://test';
  readonly objects = new Map<string, Stored>();
  /** Keys whose put is refused, as a store that fails on request. */
  failPut: (key: string) => Error | undefined = () => undefined;
  puts: string[] = [];

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject> {
    const fault = this.failPut(key);
    if (fault) throw fault;
    const sha256 = createHash('sha256').update(body).digest('hex');
    this.objects.set(key, { body: new Uint8Array(body), contentType: options.contentType, sha256, metadata: { ...(options.metadata ?? {}) } });
    this.puts.push(key);
    return { key, sizeBytes: body.byteLength, sha256, contentType: options.contentType };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.body;
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const stored = this.objects.get(key);
    return stored && { key, sizeBytes: stored.body.byteLength, sha256: stored.sha256, contentType: stored.contentType, metadata: stored.metadata };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const key of [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()) yield { key, sizeBytes: this.objects.get(key)?.body.byteLength ?? 0 };
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  async close(): Promise<void> {}
}
