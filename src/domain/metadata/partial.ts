// Values read in part: a printed symbol beside a hand-written number, a date whose day was filled in by hand.
import type { FieldValue } from './model.ts';

/**
 * What a partly read value lacks. `number`: the document's number (its own field) was not read, though the
 * symbol printed after it was; `day`, `month`: parts of a date, which is then stored in ISO 8601's reduced
 * precision ("2025-01" without its day, "2025" without month and day).
 */
export const missingParts = ['number', 'month', 'day'] as const;
export type MissingPart = (typeof missingParts)[number];

export interface PartialReading {
  /** The parts not read, in the order a person fills them in. */
  missing: MissingPart[];
}

/** A missing part that is a field of its own: another source giving that field fills the gap. */
const partFields: Partial<Record<MissingPart, string>> = { number: 'number' };

/** A date in ISO 8601, full or with reduced precision: "2025-01-15", "2025-01", "2025". */
const isoPrefix = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Whether a partial value agrees with another value of the same field on the parts it knows. Only dates hold
 * their gaps in the value itself; a partial symbol is a whole symbol (its gap is the number field), so it is
 * compared as any value is, by the caller.
 */
export function agreesOnKnownParts(partialValue: string, other: string): boolean | undefined {
  if (!isoPrefix.test(partialValue) || !isoPrefix.test(other)) return undefined;
  return other === partialValue || other.startsWith(`${partialValue}-`) || partialValue.startsWith(`${other}-`);
}

/**
 * The partial marks left once every field is chosen: a gap that another field fills (the manifest gave the
 * number, OCR read only the symbol) is no gap; a value that is no longer partial loses its mark.
 */
export function settlePartials(fields: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> {
  const settled: Record<string, FieldValue> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (!field.partial) {
      settled[key] = field;
      continue;
    }
    const missing = field.partial.missing.filter((part) => {
      const own = partFields[part];
      return own === undefined || fields[own] === undefined;
    });
    const { partial: _partial, ...whole } = field;
    settled[key] = missing.length > 0 ? { ...whole, partial: { missing } } : whole;
  }
  return settled;
}

/** A field read in part, as the report lists it. */
export interface PartialField {
  key: string;
  missing: MissingPart[];
}

/** The fields still partial in a record's metadata, in the record's order. */
export function partialFields(fields: Readonly<Record<string, FieldValue>>): PartialField[] {
  return Object.entries(fields).flatMap(([key, field]) => (field.partial ? [{ key, missing: [...field.partial.missing] }] : []));
}

const partWords: Record<MissingPart, { vi: string; en: string }> = {
  number: { vi: 'số', en: 'number' },
  month: { vi: 'tháng', en: 'month' },
  day: { vi: 'ngày', en: 'day' },
};

/**
 * What the reviewer must do, in Vietnamese and English. A missing number is named as such whichever field
 * carries the mark: it is nearly always written in by hand (or stamped) after printing, and OCR of print
 * does not read it.
 */
export function partialReviewText(field: PartialField): { vi: string; en: string } {
  if (field.missing.includes('number')) {
    return {
      vi: 'Số văn bản viết tay hoặc đóng dấu, không đọc được: hãy nhập (trường "number" trong manifest)',
      en: 'Document number handwritten or stamped, not read: enter it (manifest field "number")',
    };
  }
  const vi = field.missing.map((p) => partWords[p].vi).join(' và ');
  const en = field.missing.map((p) => partWords[p].en).join(' and ');
  if (field.key === 'issueDate') {
    return { vi: `Ngày ban hành thiếu ${vi}: hãy nhập (trường "issueDate" trong manifest)`, en: `Issue date lacks the ${en}: enter it (manifest field "issueDate")` };
  }
  return { vi: `Trường "${field.key}" thiếu ${vi}: hãy nhập`, en: `Field "${field.key}" lacks the ${en}: enter it` };
}
