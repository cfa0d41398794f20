// An S3 prefix as an inbox: batch prefixes by a delimited listing, a batch's objects with their ETags.
import { S3InboxClient, type S3InboxOptions } from '../storage/s3-inbox-client.ts';
import { isJunk, type InboxFile } from './inbox-batch.ts';
import type { Inbox } from './inbox.ts';

/** S3 sends no events a watcher can read without more infrastructure (SQS, SNS), so it is polled. */
export class S3Inbox implements Inbox {
  readonly source = 's3' as const;
  readonly location: string;
  readonly #client: S3InboxClient;

  constructor(options: S3InboxOptions) {
    this.#client = new S3InboxClient(options);
    this.location = this.#client.location;
  }

  async batchNames(): Promise<string[]> {
    return (await this.#client.batchNames()).filter((name) => !isJunk(name));
  }

  async batchFiles(batch: string): Promise<InboxFile[]> {
    return (await this.#client.batchObjects(batch)).filter((file) => !isJunk(file.path));
  }

  async everything(): Promise<Map<string, InboxFile[]>> {
    const batches = new Map<string, InboxFile[]>();
    for (const [batch, files] of await this.#client.everything()) {
      if (!isJunk(batch)) batches.set(batch, files.filter((file) => !isJunk(file.path)));
    }
    return batches;
  }

  readText(batch: string, file: string): Promise<string> {
    return this.#client.readText(batch, file);
  }

  batchLocation(batch: string): string {
    return `${this.location}/${batch}`;
  }

  remove(batch: string, files: readonly string[]): Promise<void> {
    return this.#client.deleteObjects(batch, files);
  }

  move(batch: string, files: readonly string[], target: string): Promise<void> {
    return this.#client.moveObjects(batch, files, target);
  }

  listRequests(): number {
    return this.#client.listRequests;
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}
