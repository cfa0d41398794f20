// Mistakes found in a manifest, and the one shape every message about them takes.
import { closestWord } from '../metadata/closest-word.ts';
import type { ErrorCode } from '../error-codes.ts';
import { InputError } from '../errors.ts';

export type ManifestErrorCode = Extract<ErrorCode, `MANIFEST_${string}`>;

/**
 * One mistake in a manifest. `where` locates the entry for a person: `row 4` in a CSV (with `row` set, the
 * header being row 1), a path like `dossiers[1].documents[0]` in JSON; `field` is the CSV column or JSON key.
 */
export interface ManifestProblem {
  where: string;
  row?: number;
  field: string;
  message: string;
  /** MANIFEST_INVALID when absent. */
  code?: ManifestErrorCode;
}

/** A manifest with mistakes: carries all of them so an office fixes its file in one round. */
export class ManifestError extends InputError {
  readonly problems: ManifestProblem[];
  readonly manifestFile: string;

  constructor(manifestFile: string, problems: ManifestProblem[]) {
    const first = problems[0];
    // One code for the whole manifest: the problems' own when they share it, else the general one.
    const codes = new Set(problems.map((p) => p.code ?? 'MANIFEST_INVALID'));
    super(codes.size === 1 ? [...codes][0]! : 'MANIFEST_INVALID', problems.map((p) => formatProblem(manifestFile, p)).join('\n'), {
      file: manifestFile,
      row: first?.row,
      field: first?.field,
    });
    this.problems = problems;
    this.manifestFile = manifestFile;
  }
}

/** `manifest.csv row 4, field "pages": …` for CSV, `manifest.json: dossiers[1].documents[0].files[2]: …` for JSON. */
export function formatProblem(manifestFile: string, problem: ManifestProblem): string {
  if (problem.row !== undefined) return `${manifestFile} ${problem.where}, field "${problem.field}": ${problem.message}`;
  const path = joinPath(problem.where, problem.field);
  return path.length > 0 ? `${manifestFile}: ${path}: ${problem.message}` : `${manifestFile}: ${problem.message}`;
}

export function joinPath(base: string, field: string): string {
  if (base.length === 0) return field;
  if (field.length === 0) return base;
  return field.startsWith('[') ? `${base}${field}` : `${base}.${field}`;
}

/** Where in the manifest something was said: a JSON path, or a CSV row. */
export interface ProblemPlace {
  where: string;
  row?: number;
}

export function place(at: ProblemPlace, field: string, message: string): ManifestProblem {
  return at.row === undefined ? { where: at.where, field, message } : { where: at.where, row: at.row, field, message };
}

/** A CSV cell or short text as messages show it, cut to a readable length. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/** JSON values are shown with their type, as the pipeline-file errors do: `15 (number)`, `"x" (string)`. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const shown = JSON.stringify(value) ?? String(value);
  return `${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} (${type})`;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closestWord(key, known);
  return `unknown key ${quote(key)}${guess ? `; did you mean ${quote(guess)}?` : ''} Expected one of: ${known.join(', ')}`;
}
