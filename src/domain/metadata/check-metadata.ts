// Checks metadata that people give (a manifest's metadata keys and values), key by key and then as a whole.
import { closestWord } from './closest-word.ts';
import { fieldSpec, fieldsOf, isCustomKey, normaliseField } from './fields.ts';
import type { FieldLevel } from './fields.ts';
import { checkOwnerId, ownerIdKinds } from './identifiers.ts';
import type { OwnerIdKind } from './identifiers.ts';

/** The metadata keys a manifest may give at a level, in table order. */
export function givenKeys(level: FieldLevel): string[] {
  return fieldsOf(level)
    .filter((field) => field.givenAs === 'metadata')
    .map((field) => field.key);
}

/** Keys that are the manifest's own keys rather than metadata: [manifest.json key, manifest.csv column]. */
const ownKeys: Record<FieldLevel, Record<string, [string, string]>> = {
  dossier: { id: ['id', 'dossier_id'], code: ['code', 'dossier_code'], title: ['title', 'dossier_title'], kind: ['kind', 'kind'] },
  document: { id: ['id', 'document_id'], title: ['title', 'document_title'] },
};

/** Why a metadata key cannot be given, as a whole message, or undefined when it can. */
export function refuseMetadataKey(level: FieldLevel, key: string): string | undefined {
  if (isCustomKey(key)) return undefined;
  const own = ownKeys[level][key];
  if (own) return `"${key}" is not metadata but the ${level}'s own key: give it as "${own[0]}" in manifest.json or in the "${own[1]}" column of manifest.csv`;
  const other: FieldLevel = level === 'dossier' ? 'document' : 'dossier';
  const field = fieldSpec(level, key) ?? fieldSpec(other, key);
  if (field?.givenAs === 'qr-only') return `"${key}" is read from the QR code printed on the paper (Circular 01/2023), not given in a manifest; remove it, or keep the value under a custom key such as "x-${key}"`;
  if (field?.givenAs === 'counted') return `"${key}" is counted by sohoa and cannot be given; remove it`;
  if (field?.givenAs === 'metadata') return field.level === level ? undefined : `"${key}" is a ${other} field, not a ${level} field; give it with the ${other}`;
  const known = givenKeys(level);
  const guess = closestWord(key, known);
  const expected = `one of: ${known.join(', ')}, or a custom key starting with "x-"`;
  return guess ? `unknown key "${key}"; did you mean "${guess}"? Expected ${expected}` : `unknown key "${key}"; expected ${expected}`;
}

/** One given value: the stored values it yields (a combined number also yields the symbol), or why it is wrong. */
export type MetadataEntry = { values: Record<string, string>; warning?: string } | { expected: string; reason?: string } | { refused: string };

/** Checks one key and value as given; the value is raw text (numbers in manifest.json are turned into text first). */
export function checkMetadataEntry(level: FieldLevel, key: string, raw: string): MetadataEntry {
  const refused = refuseMetadataKey(level, key);
  if (refused !== undefined) return { refused };
  const normalised = normaliseField(level, key, raw);
  if ('expected' in normalised) return normalised;
  const values = { [key]: normalised.value, ...normalised.also };
  return normalised.warning === undefined ? { values } : { values, warning: normalised.warning };
}

/** A value that is valid alone but not with the others: "expected <expected> but received <the value of key>; <reason>". */
export interface MetadataMismatch {
  key: string;
  expected: string;
  reason?: string;
}

/** Checks values that depend on each other, all normalised already: the ID against its kind, date ranges. */
export function checkMetadataTogether(level: FieldLevel, metadata: Readonly<Record<string, string>>, today: Date = new Date()): MetadataMismatch[] {
  const mismatches: MetadataMismatch[] = [];
  const { ownerId, ownerIdKind } = metadata;
  if (ownerId !== undefined && ownerIdKind !== undefined && (ownerIdKinds as readonly string[]).includes(ownerIdKind)) {
    const checked = checkOwnerId(ownerId, ownerIdKind as OwnerIdKind, today);
    if ('expected' in checked) mismatches.push({ key: 'ownerId', ...checked });
  }
  const range = (from: string, to: string) => {
    const start = metadata[from];
    const end = metadata[to];
    // ISO dates compare as text; VINH_VIEN (validTo) is after every date.
    if (start !== undefined && end !== undefined && /^\d/.test(end) && end < start) {
      mismatches.push({ key: to, expected: `a date on or after the ${from} (${start})` });
    }
  };
  if (level === 'dossier') range('startDate', 'endDate');
  else range('validFrom', 'validTo');
  return mismatches;
}

/**
 * Merges the values of one entry into a metadata map; returns the key whose value it contradicts, if any
 * (e.g. "number": "15/QĐ-UBND" with "symbol": "QĐ-BNV"), leaving the first value in place.
 */
export function mergeMetadata(metadata: Record<string, string>, values: Readonly<Record<string, string>>): string | undefined {
  for (const [key, value] of Object.entries(values)) {
    const earlier = metadata[key];
    if (earlier !== undefined && earlier !== value) return key;
  }
  Object.assign(metadata, values);
  return undefined;
}
