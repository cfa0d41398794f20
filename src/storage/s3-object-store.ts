// The S3 adapter of the storage port: checksummed writes, ASCII-safe metadata, SDK retries, typed failures.
import { createHash } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from 'pino';
import { ConfigError, InputError, TransientError } from '../domain/errors.ts';
import { decodeMetadata, encodeMetadata, maxUserMetadataBytes, userMetadataBytes } from './header-encoding.ts';
import { assertSafeKey, normalizePrefix } from './keys.ts';
import type { ObjectHead, ObjectInfo, ObjectStore, PutOptions, StoredObject } from './object-store.ts';
import { classifyS3Error, isNotFound, transientAdvice, type SdkErrorShape } from './s3-errors.ts';

export { classifyS3Error, isNotFound } from './s3-errors.ts';

export type ServerSideEncryption = { kind: 'AES256' } | { kind: 'aws:kms'; keyId?: string };

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket; slashes at either end are ignored, '' or absent means the bucket root. */
  prefix?: string;
  /** e.g. http://127.0.0.1:9000 for MinIO; absent: the SDK reads AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS. */
  endpoint?: string;
  /** Absent: the SDK's chain (AWS_REGION, profile). S3-compatible servers accept any, e.g. us-east-1. */
  region?: string;
  /** Path-style URLs (`/bucket/key`), needed by most S3-compatible servers addressed by a host name. */
  forcePathStyle?: boolean;
  sse?: ServerSideEncryption;
  /** Attempts per request including the first; the SDK's standard strategy backs off exponentially with jitter. */
  maxAttempts?: number;
  /**
   * A request fails with TimeoutError (and is retried) when its socket sends and receives nothing this long.
   * An idle limit, not a total one, so a large part on a slow link is not cut off while it still moves.
   */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Bodies larger than this go as multipart uploads. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  /** Parts in flight at once per multipart upload. */
  partConcurrency?: number;
  /** Explicit credentials (tests, embedding); absent: the standard AWS credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  logger?: Logger;
}

/**
 * All defaults in one place. The multipart threshold and part size stay under 11 MiB because fauxqs (our test
 * server) refuses request bodies over 11 MiB with a 413; 8 MiB parts still allow objects up to 78 GiB.
 */
export const s3StoreDefaults = {
  region: undefined as string | undefined,
  forcePathStyle: false,
  maxAttempts: 6,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 5_000,
  multipartThresholdBytes: 8 * 1024 * 1024,
  partSizeBytes: 8 * 1024 * 1024,
  partConcurrency: 4,
} as const;

/** DeleteObjects takes at most 1000 keys per request. */
export const deleteBatchSize = 1000;


export function sha256Of(body: Uint8Array): { hex: string; base64: string } {
  const digest = createHash('sha256').update(body).digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64') };
}

/** What S3 returns for a multipart upload with SHA-256: the hash of the parts' hashes, then `-<parts>`. */
export function compositeSha256Base64(body: Uint8Array, partSizeBytes: number): string {
  const partDigests: Buffer[] = [];
  for (let offset = 0; offset < body.byteLength; offset += partSizeBytes) {
    partDigests.push(createHash('sha256').update(body.subarray(offset, offset + partSizeBytes)).digest());
  }
  return `${createHash('sha256').update(Buffer.concat(partDigests)).digest('base64')}-${partDigests.length}`;
}

/** A full-object base64 checksum as hex; undefined for composite (`…-N`) or malformed values. */
export function fullObjectSha256Hex(checksumBase64: string | undefined): string | undefined {
  if (!checksumBase64 || checksumBase64.includes('-')) return undefined;
  const bytes = Buffer.from(checksumBase64, 'base64');
  return bytes.byteLength === 32 ? bytes.toString('hex') : undefined;
}

/** True when the server said nothing, or said the checksum we computed (full-object or composite). */
export function returnedChecksumMatches(returned: string | undefined, expected: { fullBase64: string; compositeBase64?: string }): boolean {
  if (returned === undefined || returned === '') return true;
  return returned.includes('-') ? returned === expected.compositeBase64 : returned === expected.fullBase64;
}

export interface PutRequest {
  bucket: string;
  objectKey: string;
  body: Uint8Array;
  contentType: string;
  /** Already ASCII-encoded, including `sha256`. */
  wireMetadata: Record<string, string>;
  /** Base64 SHA-256, the wire format of x-amz-checksum-sha256; omitted for multipart (checksummed per part). */
  checksumSha256Base64?: string;
  sse?: ServerSideEncryption;
  retainUntil?: Date;
  lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
}

/** The PutObject (or multipart) parameters: checksum, metadata, and SSE / object lock only when asked for. */
export function putObjectInput(request: PutRequest): PutObjectCommandInput {
  const input: PutObjectCommandInput = {
    Bucket: request.bucket,
    Key: request.objectKey,
    Body: request.body,
    ContentType: request.contentType,
    Metadata: request.wireMetadata,
    ChecksumAlgorithm: 'SHA256',
  };
  if (request.checksumSha256Base64) input.ChecksumSHA256 = request.checksumSha256Base64;
  if (request.sse?.kind === 'AES256') input.ServerSideEncryption = 'AES256';
  if (request.sse?.kind === 'aws:kms') {
    input.ServerSideEncryption = 'aws:kms';
    if (request.sse.keyId) input.SSEKMSKeyId = request.sse.keyId;
  }
  if (request.retainUntil) {
    input.ObjectLockRetainUntilDate = request.retainUntil;
    input.ObjectLockMode = request.lockMode ?? 'GOVERNANCE';
  } else if (request.lockMode) {
    throw new InputError('STORE_METADATA_INVALID', `object ${request.objectKey}: lockMode ${request.lockMode} needs retainUntil`);
  }
  return input;
}

/** The SDK client's settings from ours: also used by the S3 inbox, so both talk to a server the same way. */
export function s3ClientConfig(options: Omit<S3ObjectStoreOptions, 'bucket'>): S3ClientConfig {
  const settings = { ...s3StoreDefaults, ...withoutUndefined(options) };
  const config: S3ClientConfig = {
    forcePathStyle: settings.forcePathStyle,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    // An options object (not a NodeHttpHandler instance) so we need no direct dependency on @smithy packages.
    // `socketTimeout` is the idle limit that throws; the handler's `requestTimeout` only logs a warning unless
    // `throwOnRequestTimeout` is set, and it bounds the whole request, which large uploads must not hit.
    requestHandler: { socketTimeout: settings.requestTimeoutMs, connectionTimeout: settings.connectionTimeoutMs },
  };
  if (settings.region) config.region = settings.region;
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.credentials) config.credentials = options.credentials;
  return config;
}

export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly sse: ServerSideEncryption | undefined;
  private readonly multipartThresholdBytes: number;
  private readonly partSizeBytes: number;
  private readonly partConcurrency: number;
  private readonly log: Logger | undefined;
  private closed = false;

  constructor(options: S3ObjectStoreOptions) {
    const settings = { ...s3StoreDefaults, ...withoutUndefined(options) };
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.sse = options.sse;
    this.multipartThresholdBytes = settings.multipartThresholdBytes;
    this.partSizeBytes = settings.partSizeBytes;
    this.partConcurrency = settings.partConcurrency;
    this.log = options.logger?.child({ component: 's3-object-store', store: this.location });
    this.client = new S3Client(s3ClientConfig(options));
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    const sha256 = sha256Of(body);
    if (options.sha256 && options.sha256 !== sha256.hex) {
      throw new Error(`object ${key}: body SHA-256 ${sha256.hex} differs from the expected ${options.sha256}`);
    }
    const { sha256: _reserved, ...metadata } = options.metadata ?? {};
    const wireMetadata = { ...encodeMetadata(metadata), sha256: sha256.hex };
    const metadataBytes = userMetadataBytes(wireMetadata);
    if (metadataBytes > maxUserMetadataBytes) {
      throw new InputError('STORE_METADATA_INVALID', `object ${key}: user metadata is ${metadataBytes} bytes once encoded, S3 allows ${maxUserMetadataBytes}; keep long values in the JSON record instead`);
    }
    const multipart = body.byteLength > this.multipartThresholdBytes;
    const input = putObjectInput({
      bucket: this.bucket,
      objectKey,
      body,
      contentType: options.contentType,
      wireMetadata,
      ...(multipart ? {} : { checksumSha256Base64: sha256.base64 }),
      ...(this.sse ? { sse: this.sse } : {}),
      ...(options.retainUntil ? { retainUntil: options.retainUntil } : {}),
      ...(options.lockMode ? { lockMode: options.lockMode } : {}),
    });
    const response = await this.run('put', key, async () => {
      if (!multipart) return this.client.send(new PutObjectCommand(input));
      const upload = new Upload({ client: this.client, params: input, partSize: this.partSizeBytes, queueSize: this.partConcurrency });
      return upload.done();
    });
    const returned = response.ChecksumSHA256;
    const expected = { fullBase64: sha256.base64, ...(multipart ? { compositeBase64: compositeSha256Base64(body, this.partSizeBytes) } : {}) };
    if (!returnedChecksumMatches(returned, expected)) {
      throw new TransientError('STORE_UNAVAILABLE',
        `S3 put of ${key} at ${this.location}: checksum mismatch, the server recorded ${returned} but we sent ${multipart ? expected.compositeBase64 : expected.fullBase64}; the write is retried`,
      );
    }
    return { key, sizeBytes: body.byteLength, sha256: sha256.hex, contentType: options.contentType };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const objectKey = this.objectKey(key);
    const result = await this.run('get', key, async () => {
      try {
        // ChecksumMode makes the SDK check the body against the stored full-object checksum as it reads.
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ChecksumMode: 'ENABLED' }));
        const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
        return { bytes, recordedSha256: response.Metadata?.sha256, $metadata: response.$metadata };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    if (!result) return undefined;
    // Multipart objects carry only a composite checksum, so our own hex SHA-256 in the metadata is the check.
    const actual = sha256Of(result.bytes).hex;
    if (result.recordedSha256 && /^[0-9a-f]{64}$/.test(result.recordedSha256) && result.recordedSha256 !== actual) {
      throw new TransientError('STORE_UNAVAILABLE',
        `S3 get of ${key} at ${this.location}: read ${result.bytes.byteLength} bytes with SHA-256 ${actual} but the object was stored with ${result.recordedSha256}; retry, and if it persists the stored object is damaged`,
      );
    }
    return result.bytes;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const objectKey = this.objectKey(key);
    const response = await this.run('head', key, async () => {
      try {
        return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey, ChecksumMode: 'ENABLED' }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
    if (!response) return undefined;
    const { sha256: recorded, ...metadata } = decodeMetadata(response.Metadata ?? {});
    const sha256 = fullObjectSha256Hex(response.ChecksumSHA256) ?? (recorded && /^[0-9a-f]{64}$/.test(recorded) ? recorded : undefined);
    return {
      key,
      sizeBytes: response.ContentLength ?? 0,
      ...(sha256 ? { sha256 } : {}),
      ...(response.ContentType ? { contentType: response.ContentType } : {}),
      metadata,
    };
  }

  /**
   * Collects every page, then sorts: S3 lists in UTF-8 byte order, but S3-compatible servers differ (fauxqs
   * sorts with localeCompare, so `dossier.json` comes before `QD-15.pdf`), and the port promises one order.
   * Lists here cover one dossier or one batch, so holding the keys in memory is cheap.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const found: ObjectInfo[] = [];
    for await (const info of this.listPages(prefix)) found.push(info);
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* found;
  }

  private async *listPages(prefix: string): AsyncIterable<ObjectInfo> {
    const storePrefix = this.prefix ? `${this.prefix}/` : '';
    let continuationToken: string | undefined;
    do {
      const page = await this.run('list', prefix || '(all)', () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: storePrefix + prefix, ...(continuationToken ? { ContinuationToken: continuationToken } : {}) }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(storePrefix)) yield { key: object.Key.slice(storePrefix.length), sizeBytes: object.Size ?? 0, ...(object.LastModified ? { lastModified: object.LastModified } : {}) };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(keys: string[]): Promise<void> {
    const objectKeys = keys.map((key) => this.objectKey(key));
    for (let start = 0; start < objectKeys.length; start += deleteBatchSize) {
      const batch = objectKeys.slice(start, start + deleteBatchSize);
      const response = await this.run('delete', batch[0]!, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
      const failed = response.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0]!;
        const err = Object.assign(new Error(first.Message ?? 'delete refused'), { name: first.Code ?? 'DeleteFailed' });
        throw classifyS3Error(err, { operation: `delete (${failed.length} of ${batch.length} keys failed)`, key: first.Key ?? '?', location: this.location });
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  /**
   * Runs one SDK call (which retries on its own), logs when retries were needed (from the `$metadata` of what
   * the call returns), and classifies what is left.
   */
  private async run<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    const startedMs = performance.now();
    try {
      const result = await call();
      const metadata = (result as { $metadata?: SdkErrorShape['$metadata'] } | undefined)?.$metadata;
      if (metadata?.attempts && metadata.attempts > 1) {
        this.log?.warn({ event: 's3.retried', operation, key, attempts: metadata.attempts, totalRetryDelayMs: metadata.totalRetryDelay }, 's3.retried');
      }
      return result;
    } catch (err) {
      const failure = classifyS3Error(err, { operation, key, location: this.location });
      this.log?.warn({ event: 's3.failed', operation, key, durationMs: Math.round(performance.now() - startedMs), err: failure }, 's3.failed');
      throw failure;
    }
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
