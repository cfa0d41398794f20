// An S3 prefix as an inbox of batches: its child prefixes listed with a delimiter, a batch's objects with their ETags.
/*
 * Why not the ObjectStore: an inbox is written by scanner stations and desktop clients, not by sohoa, so its keys
 * are whatever they upload (spaces, Vietnamese letters), and a watcher needs what the store port hides: child
 * prefixes, ETags, and a count of the list requests a poll costs.
 */
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { classifyS3Error } from './s3-errors.ts';
import { normalizePrefix } from './keys.ts';
import { deleteBatchSize, s3ClientConfig, type S3ObjectStoreOptions } from './s3-object-store.ts';

/** One object of a batch, by its key below the batch prefix. */
export interface InboxObject {
  path: string;
  sizeBytes: number;
  modifiedMs: number;
  etag?: string;
}

export type S3InboxOptions = Pick<S3ObjectStoreOptions, 'bucket' | 'prefix' | 'endpoint' | 'region' | 'forcePathStyle' | 'credentials' | 'maxAttempts' | 'requestTimeoutMs' | 'connectionTimeoutMs'>;

export class S3InboxClient {
  readonly location: string;
  readonly bucket: string;
  /** The inbox prefix with its trailing "/", or '' for a whole bucket. */
  readonly root: string;
  /** ListObjectsV2 requests sent so far: what a poll costs, for the metrics and the bench. */
  listRequests = 0;
  readonly #client: S3Client;

  constructor(options: S3InboxOptions) {
    this.bucket = options.bucket;
    const prefix = normalizePrefix(options.prefix ?? '');
    this.root = prefix ? `${prefix}/` : '';
    this.location = `s3://${this.bucket}${prefix ? `/${prefix}` : ''}`;
    this.#client = new S3Client(s3ClientConfig(options));
  }

  /** The batch prefixes below the inbox: one request per 1,000 of them, whatever each holds. */
  async batchNames(): Promise<string[]> {
    const names: string[] = [];
    await this.#list(this.root, '/', (page) => {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(this.root.length).replace(/\/$/, '');
        if (name) names.push(name);
      }
    });
    return names.sort();
  }

  /** One batch's objects. */
  async batchObjects(batch: string): Promise<InboxObject[]> {
    const found: InboxObject[] = [];
    const prefix = `${this.root}${batch}/`;
    await this.#list(prefix, undefined, (page) => {
      for (const object of page.Contents ?? []) {
        const entry = inboxObject(object, prefix);
        if (entry) found.push(entry);
      }
    });
    return found;
  }

  /** Every batch's objects in one listing: one request per 1,000 objects. Objects at the inbox's top are no batch. */
  async everything(): Promise<Map<string, InboxObject[]>> {
    const batches = new Map<string, InboxObject[]>();
    await this.#list(this.root, undefined, (page) => {
      for (const object of page.Contents ?? []) {
        const rest = object.Key?.slice(this.root.length) ?? '';
        const slash = rest.indexOf('/');
        if (slash <= 0) continue;
        const batch = rest.slice(0, slash);
        const entry = inboxObject(object, `${this.root}${batch}/`);
        if (!entry) continue;
        const files = batches.get(batch) ?? [];
        files.push(entry);
        batches.set(batch, files);
      }
    });
    return batches;
  }

  async readText(batch: string, file: string): Promise<string> {
    const key = `${this.root}${batch}/${file}`;
    const response = await this.#run('get', key, () => this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    return (await response.Body?.transformToString('utf-8')) ?? '';
  }

  /** Deletes a finished batch's objects (`--on-done delete`). */
  async deleteObjects(batch: string, files: readonly string[]): Promise<void> {
    const keys = files.map((file) => `${this.root}${batch}/${file}`);
    for (let start = 0; start < keys.length; start += deleteBatchSize) {
      const chunk = keys.slice(start, start + deleteBatchSize);
      const response = await this.#run('delete', chunk[0]!, () =>
        this.#client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } })),
      );
      const failed = response.Errors ?? [];
      if (failed.length > 0) throw new Error(`deleting ${failed.length} object(s) of ${batch} from ${this.location} failed: ${failed[0]!.Key}: ${failed[0]!.Message ?? failed[0]!.Code}`);
    }
  }

  /** Copies a finished batch's objects below `toPrefix` (same bucket), then deletes the originals (`--on-done move:`). */
  async moveObjects(batch: string, files: readonly string[], toPrefix: string): Promise<void> {
    const target = normalizePrefix(toPrefix);
    for (const file of files) {
      const from = `${this.root}${batch}/${file}`;
      const to = `${target ? `${target}/` : ''}${batch}/${file}`;
      const source = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
      await this.#run('copy', from, () => this.#client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source })));
    }
    // Only once every copy is in place: a move cut short leaves the originals, never a batch in neither place.
    await this.deleteObjects(batch, files);
  }

  close(): void {
    this.#client.destroy();
  }

  async #list(prefix: string, delimiter: string | undefined, onPage: (page: ListObjectsV2CommandOutput) => void): Promise<void> {
    let token: string | undefined;
    do {
      this.listRequests += 1;
      const page = await this.#run('list', prefix || '(all)', () =>
        this.#client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) })),
      );
      onPage(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #run<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw classifyS3Error(err, { operation, key, location: this.location });
    }
  }
}

/** A listed object as a batch file, or undefined for a "folder" placeholder (a key ending in "/"). */
function inboxObject(object: { Key?: string; Size?: number; LastModified?: Date; ETag?: string }, batchPrefix: string): InboxObject | undefined {
  const path = object.Key?.slice(batchPrefix.length);
  if (!path || path.endsWith('/')) return undefined;
  return { path, sizeBytes: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? 0, ...(object.ETag ? { etag: object.ETag } : {}) };
}
