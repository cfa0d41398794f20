// What the S3 SDK threw, as the project's errors: a configuration problem no retry fixes, or a fault of the moment.
import { ConfigError, SohoaError, TransientError } from '../domain/errors.ts';

export const transientAdvice = 'check AWS_ENDPOINT_URL_S3 (or the endpoint option), the credentials and the network; the operation is safe to retry';

/** The parts of an SDK error we classify by: its name (the S3 error code), HTTP status and attempts. */
export interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}

/** S3 error codes that no retry can fix: the bucket, the credentials or the region are wrong. */
const configurationErrorNames = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AuthorizationHeaderMalformed',
  'InvalidToken',
  'NoSuchBucket',
  'InvalidBucketName',
  'PermanentRedirect',
  'InvalidRequest',
  'InvalidArgument',
  'KMS.NotFoundException',
  'KMS.DisabledException',
]);

/** Names of errors thrown by the SDK's credential and region providers before any request is sent. */
const providerErrorNames = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);

/** A missing object (GET names it NoSuchKey; HEAD has no body, so the SDK calls it NotFound), not a missing bucket. */
export function isNotFound(err: unknown): boolean {
  const shape = err as SdkErrorShape;
  if (shape?.name === 'NoSuchBucket') return false;
  return shape?.name === 'NoSuchKey' || shape?.name === 'NotFound' || shape?.$metadata?.httpStatusCode === 404;
}

/**
 * Turns what the SDK threw (after its own retries) into our error classes. A configuration problem is a
 * ConfigError (no retry, exit 2); everything else that came out of the network or the server is a
 * TransientError (retry with backoff, exit 4).
 */
export function classifyS3Error(err: unknown, context: { operation: string; key: string; location: string }): SohoaError {
  if (err instanceof SohoaError) return err;
  const shape = (err ?? {}) as SdkErrorShape;
  const name = shape.name ?? 'Error';
  const status = shape.$metadata?.httpStatusCode;
  const attempts = shape.$metadata?.attempts;
  const where = `S3 ${context.operation} of ${context.key} at ${context.location}`;
  const said = `${name}${status ? ` (HTTP ${status})` : ''}: ${shape.message ?? String(err)}`;
  if (providerErrorNames.has(name)) {
    return new ConfigError('STORE_CONFIG_INVALID', `${where}: configuration problem, ${said}; set AWS_REGION and credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile)`, {}, { cause: err });
  }
  const clientError = status !== undefined && status >= 400 && status < 500 && ![404, 408, 409, 429].includes(status);
  if (configurationErrorNames.has(name) || status === 301 || status === 403 || (clientError && name !== 'NoSuchUpload')) {
    return new ConfigError('STORE_CONFIG_INVALID',
      `${where}: configuration problem, ${said}; check the bucket name and region, the credentials' permissions, and the SSE / object-lock settings`,
      {},
      { cause: err },
    );
  }
  const tries = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  return new TransientError('STORE_UNAVAILABLE', `${where} failed${tries}: ${said}; ${transientAdvice}`, {}, { cause: err });
}
