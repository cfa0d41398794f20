// Where outputs go: a folder path or an s3://bucket/prefix URI, parsed once at start-up into the store to open.
import { ConfigError } from '../domain/errors.ts';
import { LocalObjectStore } from './local-object-store.ts';
import type { ObjectStore } from './object-store.ts';
import { normalizePrefix } from './keys.ts';
import { LazyObjectStore } from './lazy-object-store.ts';
import type { S3ObjectStoreOptions } from './s3-object-store.ts';

export type StoreLocation = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * The first S3 bucket naming rule the name breaks, or undefined when it is valid
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html, general purpose buckets).
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3–63 characters long (it has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may only hold lowercase letters, digits, "." and "-"';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not hold two adjacent periods';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not look like an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(prefix)) return `must not begin with "${prefix}"`;
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(suffix)) return `must not end with "${suffix}"`;
  return undefined;
}

/** `s3://bucket/a/b/` → `{ kind: 's3', bucket, prefix: 'a/b' }`; anything without a URI scheme is a folder. */
export function parseStoreLocation(value: string): StoreLocation {
  const trimmed = value.trim();
  if (trimmed === '') throw new ConfigError('STORE_LOCATION_INVALID', 'store location is empty: give a folder path or s3://bucket/prefix');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed)?.[1];
  if (scheme === undefined) return { kind: 'local', path: trimmed };
  if (scheme.toLowerCase() !== 's3') {
    throw new ConfigError('STORE_LOCATION_INVALID', `store location ${JSON.stringify(value)}: the ${scheme}:// scheme is not supported; use a folder path or s3://bucket/prefix`);
  }
  const rest = trimmed.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const problem = bucketNameProblem(bucket);
  if (problem) throw new ConfigError('STORE_LOCATION_INVALID', `store location ${JSON.stringify(value)}: bucket name ${JSON.stringify(bucket)} ${problem}`);
  let prefix: string;
  try {
    prefix = normalizePrefix(slash === -1 ? '' : rest.slice(slash + 1));
  } catch (err) {
    throw new ConfigError('STORE_LOCATION_INVALID', `store location ${JSON.stringify(value)}: ${(err as Error).message}`);
  }
  return { kind: 's3', bucket, prefix };
}

/** Everything but where: endpoint, region, SSE, retries; ignored for folders. */
export type OpenObjectStoreOptions = Omit<S3ObjectStoreOptions, 'bucket' | 'prefix'>;

/** Opens the store once at start-up; the caller closes it at shutdown. */
export function openObjectStore(location: StoreLocation | string, options: OpenObjectStoreOptions = {}): ObjectStore {
  const parsed = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (parsed.kind === 'local') return new LocalObjectStore(parsed.path);
  const name = `s3://${parsed.bucket}${parsed.prefix ? `/${parsed.prefix}` : ''}`;
  return new LazyObjectStore(name, async () => {
    const { S3ObjectStore } = await import('./s3-object-store.ts');
    return new S3ObjectStore({ ...options, bucket: parsed.bucket, prefix: parsed.prefix });
  });
}
