// Error classes that carry their consequence as data: whether to retry, which exit code the CLI uses, and a stable code.
import type { ErrorCode } from './error-codes.ts';

/** Where in a batch an error happened, so a person can find the file and page. */
export interface ErrorLocation {
  /** Path of the input file, relative to the batch root. */
  file?: string;
  /** 1-based page number within the input file. */
  pageNumber?: number;
  /** 1-based row of the manifest (CSV line or JSON array position) that caused it. */
  row?: number;
  /** Manifest field or option name. */
  field?: string;
}

export type ErrorKind = 'input' | 'transient' | 'config' | 'internal';

export abstract class SohoaError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly retryable: boolean;
  abstract readonly exitCode: number;
  readonly location: ErrorLocation;
  /** Stable across versions; its meaning and what to do are in error-codes.ts and the README. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
  }
}

/** A bad input file or manifest entry: that page or document fails, the batch goes on, no retry. */
export class InputError extends SohoaError {
  readonly kind = 'input';
  readonly retryable = false;
  readonly exitCode = 3;
}

/** Storage or queue faltered: retry with backoff. */
export class TransientError extends SohoaError {
  readonly kind = 'transient';
  readonly retryable = true;
  readonly exitCode = 4;
}

/** Bad configuration or pipeline file: stop before touching any page. */
export class ConfigError extends SohoaError {
  readonly kind = 'config';
  readonly retryable = false;
  readonly exitCode = 2;
}

/**
 * sohoa's own state forbids the work (a closed engine, no OCR worker left): a defect or a worn-out process, not the
 * input's fault. It counts as INTERNAL, like any error that is not sohoa's, and is not retried.
 */
export class InternalError extends SohoaError {
  readonly kind = 'internal';
  readonly retryable = false;
  readonly exitCode = ExitCode.internal;
}

/** Exit codes of the CLI (see DESIGN.md). */
export const ExitCode = {
  ok: 0,
  usage: 2,
  someFailed: 3,
  unavailable: 4,
  internal: 70,
} as const;

export function errorKind(err: unknown): ErrorKind {
  return err instanceof SohoaError ? err.kind : 'internal';
}

/** Anything that is not one of sohoa's own errors is a defect: INTERNAL. */
export function errorCode(err: unknown): ErrorCode {
  return err instanceof SohoaError ? err.code : 'INTERNAL';
}

/** An error as report.json, the logs and the `--json` summaries carry it. */
export interface ErrorReport {
  code: ErrorCode;
  kind: ErrorKind;
  message: string;
}

export function errorReport(err: unknown): ErrorReport {
  return { code: errorCode(err), kind: errorKind(err), message: describeError(err) };
}

/** An error's message, or a thrown value that is not an Error as text: the one way to put a caught error into words. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
