// An object store whose implementation is loaded on first use: a run on local folders never loads the AWS SDK (~35 MiB).
import type { ObjectHead, ObjectInfo, ObjectStore, PutOptions, StoredObject } from './object-store.ts';

export class LazyObjectStore implements ObjectStore {
  readonly location: string;
  readonly #open: () => Promise<ObjectStore>;
  #store: Promise<ObjectStore> | undefined;
  #closed = false;

  constructor(location: string, open: () => Promise<ObjectStore>) {
    this.location = location;
    this.#open = open;
  }

  put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject> {
    return this.#use().then((store) => store.put(key, body, options));
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.#use().then((store) => store.get(key));
  }

  exists(key: string): Promise<boolean> {
    return this.#use().then((store) => store.exists(key));
  }

  head(key: string): Promise<ObjectHead | undefined> {
    return this.#use().then((store) => store.head(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* (await this.#use()).list(prefix);
  }

  delete(keys: string[]): Promise<void> {
    return this.#use().then((store) => store.delete(keys));
  }

  /** Closes the store if it was ever opened; never loads it only to close it. A store that failed to open has nothing to close. */
  async close(): Promise<void> {
    this.#closed = true;
    const store = await this.#store?.catch(() => undefined);
    await store?.close();
  }

  #use(): Promise<ObjectStore> {
    if (this.#closed) return Promise.reject(new Error(`The store ${this.location} is closed: open it again.`));
    this.#store ??= this.#open();
    return this.#store;
  }
}
