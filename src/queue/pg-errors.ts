// PostgreSQL error classification for the queue: which faults of pg and pg-boss are passing, which are bad settings.
import { ConfigError, describeError, SohoaError, TransientError } from '../domain/errors.ts';

/** SQLSTATE classes and codes that mean "the database is unreachable or busy for now". */
const transientSqlStates = /^(08|53|57P0[1-3]|57014|40001|40P01|55P03)/;
/** SQLSTATEs that mean the connection settings are wrong: retrying will not help. */
const configSqlStates = /^(28|3D000|42501)/;
const transientSystemCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
/*
 * node-postgres raises some connection failures as plain Errors with no code ("Connection terminated
 * unexpectedly", "timeout exceeded when trying to connect"); their text is all there is to tell them apart.
 */
const pgConnectionMessages = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** Whether an error from pg or pg-boss means the database could not be reached or dropped the connection. */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const shape = err as ErrorShape;
  if (typeof shape.code === 'string') {
    if (transientSqlStates.test(shape.code) || transientSystemCodes.has(shape.code)) return true;
  }
  // Node reports a refused dual-stack connect as an AggregateError of one error per address.
  if (Array.isArray(shape.errors) && shape.errors.some((inner) => isConnectionError(inner))) return true;
  return typeof shape.message === 'string' && shape.code === undefined && pgConnectionMessages.test(shape.message);
}

/** Host, port and database of a connection string, never its password. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return 'the configured PostgreSQL';
  }
}

/** What pg or pg-boss threw, as our error classes: TransientError (retry later), ConfigError, or unchanged. */
export function classifyPgError(err: unknown, action: string, where: string): unknown {
  if (err instanceof SohoaError) return err;
  const code = typeof (err as ErrorShape | null)?.code === 'string' ? String((err as ErrorShape).code) : undefined;
  const said = describeError(err);
  if (isConnectionError(err)) {
    return new TransientError('QUEUE_UNAVAILABLE', `queue: could not ${action} at PostgreSQL ${where}: ${said}; check that the database is up and reachable, then retry`, {}, { cause: err });
  }
  if (code && configSqlStates.test(code)) {
    return new ConfigError('QUEUE_REFUSED', `queue: PostgreSQL ${where} refused to ${action}: ${said} (SQLSTATE ${code}); check the user, password and database in --queue`, {}, { cause: err });
  }
  return err;
}
