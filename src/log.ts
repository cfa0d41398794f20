// The root pino logger: JSON lines for machines, redaction of personal data and secrets set once here.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Keys whose values are personal data or secrets. They are censored wherever they appear up to two levels
 * deep, so a record or manifest row logged by mistake does not leak a citizen ID number or a name.
 */
export const redactedKeys = [
  'ownerId',
  'ownerIdNumber',
  'ownerName',
  'citizenId',
  'personalId',
  'signerName',
  'fullName',
  'password',
  'secretAccessKey',
  'sessionToken',
  'authorization',
  'credentials',
] as const;

const redactPaths = redactedKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LogOptions {
  level: LevelWithSilent;
  /** Human-readable output (for a terminal); JSON lines otherwise. */
  pretty: boolean;
  /** Where to write; stdout by default. */
  destination?: NodeJS.WritableStream | DestinationStream;
}

export function createLogger(options: LogOptions): Logger {
  const base = {
    level: options.level,
    base: { service: 'sohoa' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty) {
    const destination = options.destination ?? process.stderr;
    return pino(base, pretty({ colorize: true, destination, singleLine: true, ignore: 'pid,hostname,service,batchId', sync: true }));
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** A logger that drops everything, for unit tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
