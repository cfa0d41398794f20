// The metadata model of a record: each field's value with its source, the precedence between sources, and their disagreements.
import { z } from 'zod';
import { caseFold, foldVietnamese, tidyText } from './fold-vietnamese.ts';
import { fieldSpec, fieldSpecs, fieldsOf, maskPersonal, normaliseField } from './fields.ts';
import type { FieldLevel, FieldSpec } from './fields.ts';
import { deriveOwnerIdKind } from './identifiers.ts';
import { agreesOnKnownParts, missingParts, settlePartials } from './partial.ts';

/**
 * Where a value came from, strongest first: what the office typed beats what a QR code says, which beats what the
 * page says (OCR or its text layer), which beats the input PDF's digital signature. A certificate names who signed,
 * which is not always who issued: a portal signs the copies it publishes, a parent agency its units' papers.
 */
export const fieldSources = ['manifest', 'qr', 'ocr', 'signature', 'derived'] as const;

/** Schemas that get a name in the JSON Schema's `$defs`; a registry of our own keeps zod's global one clean. */
export const metadataRegistry = z.registry<{ id?: string; title?: string; description?: string }>();

function named<T extends z.ZodType>(schema: T, id: string, description: string): T {
  metadataRegistry.add(schema, { id, description });
  return schema;
}

export const fieldSourceSchema = named(
  z.enum(fieldSources),
  'fieldSource',
  'manifest: given by the office; qr: read from the QR code (Circular 01/2023); signature: from the digital signature of the input PDF (its signer certificate, its signing time); ocr: read from the page text; derived: computed by sohoa.',
);

export const boxSchema = named(
  z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
  'box',
  'Where on the page the value was read, in pixels of the normalized page image, origin top-left.',
);

export const fieldCorrectionSchema = named(
  z.object({ from: z.string(), to: z.string(), source: z.string().regex(/^lexicon:[a-z-]+$/), confidence: z.number().min(0).max(1) }),
  'fieldCorrection',
  'Words of a value OCR read with wrong diacritics and sohoa respelled from its administrative lexicon (docs/lexicon.md): what was read, what it became, which list it came from (lexicon:province, lexicon:agency, lexicon:family-name…) and how sure the respelling is, 0–1. The page text layer keeps what was read.',
);

export const partialSchema = named(
  z.object({ missing: z.array(z.enum(missingParts)).min(1) }),
  'partial',
  'The value was read in part and a person should complete it. missing names what was not read: "number" (the document number, hand-written or stamped; the field carrying the mark is the symbol read beside it), "month", "day" (of a date, which is then stored with reduced precision, "2025-01" or "2025", never with made-up parts).',
);

export const fieldValueSchema = named(
  z.object({
    value: z.string(),
    source: fieldSourceSchema,
    pageNumber: z.number().int().min(1).optional(),
    box: boxSchema.optional(),
    confidence: z.number().min(0).max(100).optional(),
    tolerant: z.boolean().optional(),
    corrections: z.array(fieldCorrectionSchema).optional(),
    partial: partialSchema.optional(),
  }),
  'fieldValue',
  'A field value, normalised, with its source; pageNumber (1-based), box and confidence (0–100) when it was read from a page; tolerant when another source confirmed it only once diacritics were ignored, or when OCR read it with marks the lexicon respelled (listed in corrections); partial when part of it could not be read.',
);

export type FieldSource = (typeof fieldSources)[number];
export type FieldValue = z.infer<typeof fieldValueSchema>;
/** A value some source offers for a field, before precedence has chosen one. */
export type FieldCandidate = FieldValue & { key: string };

export const fieldConflictSchema = named(
  z.object({ key: z.string(), chosen: fieldValueSchema, other: fieldValueSchema, message: z.string() }),
  'fieldConflict',
  'Two sources disagree on a field: the value kept by precedence, the other one, and a sentence for the reviewer.',
);

export type FieldConflict = z.infer<typeof fieldConflictSchema>;

/** The value of one field in the JSON Schema: a fieldValue whose value has the field's stored form. */
function fieldSchema(field: FieldSpec): z.ZodType {
  const description = [field.labelEn, field.xmlElement ? `Appendix VI element ${field.xmlElement}` : '', field.personal ? 'personal data' : '']
    .filter(Boolean)
    .join('; ');
  const stored = field.stored;
  const storedForm = stored === undefined ? undefined : z.looseObject({ value: 'values' in stored ? z.enum(stored.values as [string, ...string[]]) : z.string().regex(stored.pattern) });
  // A value read in part has its own, shorter form (a date without its day), and says so with `partial`.
  const form =
    storedForm !== undefined && field.partialStored !== undefined
      ? z.union([storedForm, z.looseObject({ value: z.string().regex(field.partialStored.pattern), partial: partialSchema })])
      : storedForm;
  const schema = form === undefined ? fieldValueSchema.clone() : z.intersection(fieldValueSchema, form);
  metadataRegistry.add(schema, { title: field.labelVi, description });
  return schema;
}

const customKey = /^x-\S/;

function fieldsSchema(level: FieldLevel) {
  const shape = Object.fromEntries(fieldsOf(level).map((field) => [field.key, fieldSchema(field).optional()]));
  // Known keys take their own form; the catch-all lets custom "x-" keys through and the check refuses the rest.
  const schema = z
    .object(shape)
    .catchall(fieldValueSchema)
    .superRefine((fields, ctx) => {
      for (const key of Object.keys(fields)) {
        if (!(key in shape) && !customKey.test(key)) ctx.addIssue({ code: 'custom', message: `unknown ${level} field "${key}"; custom fields start with "x-"`, path: [key] });
      }
    });
  return named(schema, `${level}Fields`, `The ${level}'s fields by key; keys starting with "x-" are custom fields of the office.`);
}

export const dossierFieldsSchema = fieldsSchema('dossier');
export const documentFieldsSchema = fieldsSchema('document');

export const dossierMetadataSchema = named(
  z.object({ level: z.literal('dossier'), fields: dossierFieldsSchema, conflicts: z.array(fieldConflictSchema) }),
  'dossierMetadata',
  'The metadata of a dossier record.',
);

export const documentMetadataSchema = named(
  z.object({ level: z.literal('document'), fields: documentFieldsSchema, conflicts: z.array(fieldConflictSchema) }),
  'documentMetadata',
  'The metadata of a document record.',
);

export type DossierMetadata = z.infer<typeof dossierMetadataSchema>;
export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

/** Either block; a record names its level so one schema checks both. */
export const metadataSchema = z.discriminatedUnion('level', [dossierMetadataSchema, documentMetadataSchema]);

// ---------------------------------------------------------------------------------------------------------------
// Comparing and choosing values.

/** Any level's spec of a key: the keys found at both levels (language, pageCount) mean the same there. */
function specOf(key: string): FieldSpec | undefined {
  return fieldSpecs.find((field) => field.key === key);
}

/** A value in the form that is compared: normalised when the field's normaliser accepts it, else tidied. */
function comparable(field: FieldSpec, value: string): string {
  const normalised = normaliseField(field.level, field.key, value);
  const text = 'value' in normalised ? normalised.value : tidyText(value);
  // "08" and "8" are the same number; the year of a normative number keeps its digits.
  if (field.key === 'number') return text.replace(/^0+(?=\d)/, '');
  if (field.key === 'issuedAt') return String(Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) || text);
  return text;
}

/** Whether two values of a field are the same: `tolerant` when they are the same only once diacritics are ignored. */
export interface FieldMatch {
  same: boolean;
  tolerant: boolean;
}

/**
 * Compares two values of field `key` as that kind of field compares: codes and marks exactly once normalised,
 * dates by value, text ignoring case and spacing, and text that differs only in diacritics as a tolerant match
 * (OCR drops diacritics more often than it invents a different word).
 */
export function sameFieldValue(key: string, a: string, b: string): FieldMatch {
  const field = specOf(key);
  if (field !== undefined && field.comparison === 'exact') return { same: comparable(field, a) === comparable(field, b), tolerant: false };
  if (caseFold(a) === caseFold(b)) return { same: true, tolerant: false };
  if (field?.comparison === 'agency' && sameAgency(a, b)) return { same: true, tolerant: false };
  const tolerant = foldVietnamese(a) === foldVietnamese(b);
  return { same: tolerant, tolerant };
}

/** Abbreviations of agency names that headers print (Decree 30 allows them for the parent agency). */
const agencyAbbreviations: ReadonlyArray<[RegExp, string]> = [
  [/(?<!\p{L})ubnd(?!\p{L})/gu, 'ủy ban nhân dân'],
  [/(?<!\p{L})hđnd(?!\p{L})/gu, 'hội đồng nhân dân'],
];

/** An agency name as lower-case words, abbreviations written out and both spellings of "ủy" made one. */
function agencyWords(name: string): string[] {
  let text = caseFold(name).normalize('NFC').replace(/uỷ/gu, 'ủy');
  for (const [pattern, full] of agencyAbbreviations) text = text.replace(pattern, full);
  return text.split(/\s+/u).filter((word) => word !== '');
}

/**
 * Two names of one agency: equal once abbreviations are written out, or one is the other followed by its
 * locality, word for word. Diacritics count, so "Sở Nội vụ" never matches "Số Nơi vu".
 */
function sameAgency(a: string, b: string): boolean {
  const [short, long] = [agencyWords(a), agencyWords(b)].sort((x, y) => x.length - y.length) as [string[], string[]];
  if (short.length < 2 || !short.every((word, i) => word === long[i])) return false;
  const rest = long.slice(short.length);
  return rest.length === 0 || localityWords.has(rest[0]!);
}

/** Words that begin a locality after an agency's name: "… tỉnh Lào Cai", "… huyện Bảo Thắng". */
const localityWords: ReadonlySet<string> = new Set(['tỉnh', 'thành', 'huyện', 'quận', 'thị', 'xã', 'phường']);

const sourceRank = Object.fromEntries(fieldSources.map((source, rank) => [source, rank])) as Record<FieldSource, number>;

/**
 * A whole value before one read in part, whatever their sources; then the stronger source; within a source,
 * higher confidence first (a value without one comes last); otherwise as given.
 */
function byPrecedence(a: FieldCandidate, b: FieldCandidate): number {
  return Number(a.partial !== undefined) - Number(b.partial !== undefined) || sourceRank[a.source] - sourceRank[b.source] || (b.confidence ?? -1) - (a.confidence ?? -1);
}

/** Two values of a field are the same, or one is read in part and agrees with the other where it was read. */
function sameOrAgreeing(key: string, chosen: FieldValue, other: FieldValue): FieldMatch {
  if (chosen.partial !== undefined || other.partial !== undefined) {
    const agrees = agreesOnKnownParts((chosen.partial ? chosen : other).value, (chosen.partial ? other : chosen).value);
    if (agrees !== undefined) return { same: agrees, tolerant: false };
  }
  return sameFieldValue(key, chosen.value, other.value);
}

function withoutKey(candidate: FieldCandidate): FieldValue {
  const { key: _key, ...value } = candidate;
  return value;
}

/**
 * Chooses one value per field, manifest > qr > ocr > derived and by confidence within a source, and keeps
 * every value that disagrees with the chosen one as a conflict for review: nothing is resolved silently.
 * Repeats of the same value from the same source (a number read on every page) make one conflict. A value read
 * in part yields to a whole one, and is no conflict with a whole value that agrees with the parts it has.
 */
export function resolveFields(candidates: readonly FieldCandidate[]): { fields: Record<string, FieldValue>; conflicts: FieldConflict[] } {
  const byKey = new Map<string, FieldCandidate[]>();
  for (const candidate of candidates) byKey.set(candidate.key, [...(byKey.get(candidate.key) ?? []), candidate]);
  const fields: Record<string, FieldValue> = {};
  const conflicts: FieldConflict[] = [];
  for (const [key, offered] of byKey) {
    const [first, ...others] = [...offered].sort(byPrecedence);
    if (first === undefined) continue;
    const chosen = withoutKey(first);
    const reported = new Set<string>();
    for (const other of others) {
      const match = sameOrAgreeing(key, chosen, other);
      if (match.same) {
        if (match.tolerant) chosen.tolerant = true;
        continue;
      }
      const seen = `${other.source}\u0000${caseFold(other.value)}`;
      if (reported.has(seen)) continue;
      reported.add(seen);
      const otherValue = withoutKey(other);
      conflicts.push({ key, chosen, other: otherValue, message: conflictMessage(key, chosen, otherValue) });
    }
    fields[key] = chosen;
  }
  return { fields: settlePartials(fields), conflicts };
}

const sourceWords: Record<FieldSource, { says: string; name: string }> = {
  manifest: { says: 'the manifest gives', name: 'manifest' },
  qr: { says: 'the QR code gives', name: 'QR code' },
  signature: { says: 'the digital signature gives', name: 'digital signature' },
  ocr: { says: 'OCR read', name: 'OCR' },
  derived: { says: 'sohoa derived', name: 'derived' },
};

function describeOffer(key: string, offer: FieldValue, fallback: string): string {
  const masked = maskPersonal(specOf(key), offer.value);
  const shown = masked === undefined ? fallback : `"${masked}"`;
  const page = offer.pageNumber !== undefined ? ` on page ${offer.pageNumber}` : '';
  const confidence = offer.confidence !== undefined ? ` (confidence ${Math.round(offer.confidence)})` : '';
  return `${sourceWords[offer.source].says} ${shown}${page}${confidence}`;
}

/** "issuer: the manifest gives "…" but OCR read "…" on page 1 (confidence 88); the manifest value is kept, review it". */
function conflictMessage(key: string, chosen: FieldValue, other: FieldValue): string {
  const said = `${describeOffer(key, chosen, 'one value')} but ${describeOffer(key, other, 'another')}`;
  return `${key}: ${said}; the ${sourceWords[chosen.source].name} value is kept, review it`;
}

/**
 * Adds what sohoa derives when no source gave it: the owner identifier kind from the identifier's shape,
 * the language (Vietnamese unless said otherwise) and the counts it was told.
 */
export function deriveFields(
  level: FieldLevel,
  fields: Readonly<Record<string, FieldValue>>,
  counts: { documentCount?: number; pageCount?: number } = {},
): Record<string, FieldValue> {
  const derived: Record<string, FieldValue> = { ...fields };
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && derived[key] === undefined && fieldSpec(level, key) !== undefined) derived[key] = { value, source: 'derived' };
  };
  const ownerId = fields['ownerId']?.value;
  add('ownerIdKind', ownerId === undefined ? undefined : deriveOwnerIdKind(ownerId));
  add('language', 'vi');
  add('documentCount', counts.documentCount?.toString());
  add('pageCount', counts.pageCount?.toString());
  return derived;
}
