// Checks the metadata a manifest gives (JSON metadata objects, CSV dossier.<key> / document.<key> columns) and reports each mistake at its place.
import { checkMetadataEntry, checkMetadataTogether, mergeMetadata } from '../metadata/check-metadata.ts';
import { fieldSpec, maskPersonal } from '../metadata/fields.ts';
import type { FieldLevel } from '../metadata/fields.ts';
import { place } from './manifest-error.ts';
import type { ManifestProblem, ProblemPlace } from './manifest-error.ts';

/** One metadata value as the manifest gives it, with the place and field (JSON key or CSV column) to report at. */
export interface GivenMetadata {
  key: string;
  /** The value as text; numbers of manifest.json are turned into text first. */
  text: string;
  at: ProblemPlace;
  field: string;
  /** How a message shows the value as given, personal data masked (see `showGiven`). */
  shown: string;
}

/** Where the mistakes and remarks of a manifest are collected. */
export interface MetadataReport {
  problems: ManifestProblem[];
  notes: ManifestProblem[];
}

/**
 * The value as given, for a message: messages reach logs, so an ID number shows only its last three
 * characters and a name only its length. `describe` is the format's usual display (`"x" (string)` in JSON).
 */
export function showGiven(level: FieldLevel, key: string, text: string, describe: (value: string) => string): string {
  const masked = maskPersonal(fieldSpec(level, key), text);
  return masked === undefined ? `a text of ${[...text].length} characters` : describe(masked);
}

/** A checked value: the stored values it yields and a remark to pass on once it is kept. */
export interface CheckedGiven {
  values: Record<string, string>;
  note?: ManifestProblem;
}

/** Checks one value; reports a wrong key or value at its place and returns undefined. */
export function checkGiven(level: FieldLevel, given: GivenMetadata, report: MetadataReport): CheckedGiven | undefined {
  const checked = checkMetadataEntry(level, given.key, given.text);
  if ('refused' in checked) {
    report.problems.push(place(given.at, given.field, checked.refused));
    return undefined;
  }
  if ('expected' in checked) {
    report.problems.push(place(given.at, given.field, expectedMessage(checked, given.shown)));
    return undefined;
  }
  return checked.warning === undefined ? { values: checked.values } : { values: checked.values, note: place(given.at, given.field, checked.warning) };
}

/**
 * Adds checked values to a dossier's or document's metadata, remembering which given value each came from;
 * a contradiction (a combined "number" and a separate "symbol" that differ) is reported at the later value.
 */
export function keepGiven(
  metadata: Record<string, string>,
  sources: Map<string, GivenMetadata>,
  given: GivenMetadata,
  checked: CheckedGiven,
  report: MetadataReport,
): void {
  const clash = mergeMetadata(metadata, checked.values);
  if (clash !== undefined) {
    const earlier = sources.get(clash);
    const from = earlier === undefined ? '' : `, as "${earlier.field}" gives it,`;
    report.problems.push(place(given.at, given.field, `expected the ${clash} "${metadata[clash]}"${from} but received ${given.shown}; give the ${clash} in one place`));
    return;
  }
  for (const key of Object.keys(checked.values)) sources.set(key, given);
  if (checked.note) report.notes.push(checked.note);
}

/** Checks the values that depend on each other once all are in, and reports at the place of the value at fault. */
export function checkGivenTogether(level: FieldLevel, metadata: Readonly<Record<string, string>>, sources: ReadonlyMap<string, GivenMetadata>, report: MetadataReport): void {
  for (const mismatch of checkMetadataTogether(level, metadata)) {
    const given = sources.get(mismatch.key);
    if (given === undefined) continue;
    report.problems.push(place(given.at, given.field, expectedMessage(mismatch, given.shown)));
  }
}

/** The one shape of a wrong value: "expected <form> but received <value>; <which part is wrong>". */
export function expectedMessage(wrong: { expected: string; reason?: string }, shown: string): string {
  return `expected ${wrong.expected} but received ${shown}${wrong.reason ? `; ${wrong.reason}` : ''}`;
}
