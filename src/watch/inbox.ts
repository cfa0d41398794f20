// The port a watcher reads batches through: a hot folder or an S3 inbox prefix, each child one batch.
import type { InboxFile } from './inbox-batch.ts';

export interface Inbox {
  /** The folder or s3:// URI, as the log shows it. */
  readonly location: string;
  /** Objects of a store are complete once listed; files of a folder must settle (see ReadinessRules). */
  readonly source: 'folder' | 's3';
  /** The batches' names: the cheap look (one list request per 1,000 batches on S3). */
  batchNames(): Promise<string[]>;
  /** One batch's files, without the junk. */
  batchFiles(batch: string): Promise<InboxFile[]>;
  /** Every batch with its files: the full rescan, the safety net for changes the cheap look does not list. */
  everything(): Promise<Map<string, InboxFile[]>>;
  readText(batch: string, file: string): Promise<string>;
  /** Where the runner reads the batch from: a folder path, or an s3:// URI that is staged to a folder first. */
  batchLocation(batch: string): string;
  /** `--on-done delete`: removes these files of a finished batch (and its folder once empty). */
  remove(batch: string, files: readonly string[]): Promise<void>;
  /** `--on-done move:<target>`: moves these files below `target`/`batch`, originals removed only once all are copied. */
  move(batch: string, files: readonly string[], target: string): Promise<void>;
  /**
   * Calls back, with the batch's name when known, whenever something in the inbox may have changed (filesystem
   * events). Absent where no events exist (S3); returns a function that stops listening.
   */
  watchChanges?(onChange: (batch: string | undefined) => void, onError: (err: Error) => void): () => void;
  /** List requests sent so far (S3), for the metrics and the bench. */
  listRequests(): number;
  close(): Promise<void>;
}
