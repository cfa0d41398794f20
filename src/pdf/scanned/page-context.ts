// What every page-level step of reading a scanned PDF knows about its page, and the errors that name the file and page.
import type { ErrorCode } from '../../domain/error-codes.ts';
import { InputError } from '../../domain/errors.ts';

export interface PageContext {
  /** File name as shown in errors. */
  name: string;
  /** 1-based. */
  pageNumber: number;
  fileSizeBytes: number;
  pageCount: number;
  /** The file's bytes less its image streams: fonts, content, structure (see `renderedInputBytes`). */
  sharedBytes: number;
}

export function pageError(code: ErrorCode, context: PageContext, reason: string, cause?: unknown): InputError {
  return new InputError(
    code,
    `"${context.name}" page ${context.pageNumber}: ${reason}`,
    { file: context.name, pageNumber: context.pageNumber },
    cause === undefined ? undefined : { cause },
  );
}

export function fileError(code: ErrorCode, name: string, reason: string, cause?: unknown): InputError {
  return new InputError(code, `"${name}": ${reason}`, { file: name }, cause === undefined ? undefined : { cause });
}

export const damagedFix = 'open it in a PDF reader to check it, then copy it again from its source or print it to a new PDF';
