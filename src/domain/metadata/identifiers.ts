// Validators and normalisers of the identifiers on Vietnamese records: personal IDs, agency, procedure and dossier codes, dates, number and symbol.
import { foldVietnamese } from './fold-vietnamese.ts';
import { provinceCodes } from './province-codes.ts';

/**
 * What a check gives back: the normalised value, or the expected form in words with an example. Messages read
 * "expected <expected> but received <value>; <reason>": `reason` says which part is wrong when the form alone
 * does not. Neither repeats the value itself, which may be a personal ID number that messages show masked.
 */
export type Checked = { value: string } | { expected: string; reason?: string };

/** NFKC turns full-width digits and letters (from some input methods) into plain ones; spaces at the ends go. */
function plain(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/** Identity numbers are often typed in groups ("001 099 012345"); the groups carry no meaning. */
function compact(raw: string): string {
  return plain(raw).replace(/\s+/gu, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Owner identifiers (Decree 137/2015 Art. 13, Circular 07/2016/TT-BCA Art. 7; Decree 45/2020 Art. 16(3)(a)).

export const ownerIdKinds = ['cccd', 'cmnd', 'passport', 'tax-code'] as const;
export type OwnerIdKind = (typeof ownerIdKinds)[number];

const personalIdForm = 'a 12-digit personal ID number (CCCD): a province code of the official list 001–096, a century/sex digit, two birth-year digits and six more digits, e.g. "001099012345"';

/** The birth year a personal ID number encodes: digit 4 gives the century (0/1 = 1900s … 8/9 = 2300s), digits 5–6 the year. */
export function birthYearOf(personalId: string): number {
  const centuryDigit = Number(personalId.charAt(3));
  return 1900 + 100 * Math.floor(centuryDigit / 2) + Number(personalId.slice(4, 6));
}

/**
 * A 12-digit personal ID number (CCCD, also the 12-digit CMND of 2012–2016). There is no check digit, so the
 * province code and a birth year that is not in the future are all that can be checked.
 */
export function checkPersonalId(raw: string, today: Date = new Date()): Checked {
  const value = compact(raw);
  if (!/^\d{12}$/.test(value)) return { expected: personalIdForm };
  if (!provinceCodes.has(value.slice(0, 3))) return { expected: personalIdForm, reason: 'its first three digits are not a province code of the official list' };
  if (birthYearOf(value) > today.getUTCFullYear()) {
    return { expected: personalIdForm, reason: 'its century/sex digit and birth-year digits give a birth year after this year' };
  }
  return { value };
}

/** An old 9-digit ID card number (CMND); its first two digits name the issuing province, which has no public table. */
export function checkOldIdCard(raw: string): Checked {
  const value = compact(raw);
  return /^\d{9}$/.test(value) ? { value } : { expected: 'a 9-digit ID card number (CMND), e.g. "012345678"' };
}

/** A passport number, Vietnamese (one letter and seven digits) or foreign; stored in capitals. */
export function checkPassportNumber(raw: string): Checked {
  const value = compact(raw).toUpperCase();
  return /^[A-Z0-9]{6,9}$/.test(value) ? { value } : { expected: 'a passport number of 6 to 9 letters and digits, e.g. "C1234567"' };
}

/** A tax code (mã số thuế, also the enterprise code): 10 digits, a branch adds "-" and 3 digits. */
export function checkTaxCode(raw: string): Checked {
  const value = compact(raw);
  return /^\d{10}(-\d{3})?$/.test(value) ? { value } : { expected: 'a tax code of 10 digits, or 10 digits, "-" and 3 digits for a branch, e.g. "0101234567" or "0101234567-001"' };
}

const ownerIdChecks: Record<OwnerIdKind, (raw: string, today: Date) => Checked> = {
  cccd: checkPersonalId,
  cmnd: checkOldIdCard,
  passport: checkPassportNumber,
  'tax-code': checkTaxCode,
};

/** Which kind of identifier a value looks like, from its shape alone; undefined when it fits none. */
export function deriveOwnerIdKind(raw: string): OwnerIdKind | undefined {
  const value = compact(raw).toUpperCase();
  if (/^\d{12}$/.test(value)) return 'cccd';
  if (/^\d{9}$/.test(value)) return 'cmnd';
  if (/^\d{10}(-\d{3})?$/.test(value)) return 'tax-code';
  // All-digit passports exist, but a number of digits alone is read as one of the kinds above.
  if (/^(?=.*[A-Z])[A-Z0-9]{6,9}$/.test(value)) return 'passport';
  return undefined;
}

/** An owner identifier, checked as the given kind, else as the kind its shape suggests. */
export function checkOwnerId(raw: string, kind?: OwnerIdKind, today: Date = new Date()): { value: string; kind: OwnerIdKind } | { expected: string; reason?: string } {
  const settled = kind ?? deriveOwnerIdKind(raw);
  if (settled === undefined) {
    return { expected: 'an owner identifier: a 12-digit personal ID number, a 9-digit ID card number, a passport number or a tax code, e.g. "001099012345"' };
  }
  const checked = ownerIdChecks[settled](raw, today);
  if ('expected' in checked) return kind === undefined ? checked : { ...checked, expected: `${checked.expected}, as ownerIdKind is "${kind}"` };
  return { value: checked.value, kind: settled };
}

const ownerIdKindWords: Record<OwnerIdKind, readonly string[]> = {
  cccd: ['cccd', 'can cuoc', 'can cuoc cong dan', 'the can cuoc', 'so dinh danh ca nhan'],
  cmnd: ['cmnd', 'cmtnd', 'chung minh nhan dan'],
  passport: ['passport', 'ho chieu'],
  'tax-code': ['tax code', 'mst', 'ma so thue', 'msdn', 'ma so doanh nghiep'],
};

export function checkOwnerIdKind(raw: string): Checked {
  const folded = foldVietnamese(raw);
  const kind = ownerIdKinds.find((k) => ownerIdKindWords[k].includes(folded));
  return kind ? { value: kind } : { expected: '"cccd", "cmnd", "passport" or "tax-code"' };
}

/** Shows only the last three characters of an identifier, for messages that may reach logs: "*********345". */
export function maskPersonalId(value: string): string {
  const text = value.trim();
  const kept = text.length > 3 ? text.slice(-3) : '';
  return `${'*'.repeat(text.length - kept.length)}${kept}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Agency, procedure and dossier codes.

const agencyCodeForm = 'an agency identifier (Decision 20/2020/QĐ-TTg): up to 35 capital letters, digits and dots, in dot-separated groups, e.g. "000.00.16.H05" or "G09.20"';

/** An agency identifier: [0-9A-Z] groups joined by dots, at most 35 characters. */
export function checkAgencyCode(raw: string): Checked {
  const value = plain(raw);
  if (value.length <= 35 && /^[0-9A-Z]+(\.[0-9A-Z]+)*$/.test(value)) return { value };
  if (value.length > 35) return { expected: agencyCodeForm, reason: `it has ${value.length} characters` };
  if (/^[0-9A-Z]+(\.[0-9A-Z]+)*$/.test(value.toUpperCase())) return { expected: agencyCodeForm, reason: 'write its letters in capitals' };
  return { expected: agencyCodeForm };
}

/** A TTHC procedure code: one digit, a dot and six digits (1.xxxxxx central, 2.xxxxxx provincial in practice). */
export function checkProcedureCode(raw: string): Checked {
  const value = plain(raw);
  return /^\d\.\d{6}$/.test(value) ? { value } : { expected: 'a procedure (TTHC) code of one digit, a dot and six digits, e.g. "1.000466"' };
}

const dossierCodeForm =
  'a dossier code: the receiving agency identifier, "-", the receipt date as yymmdd or yyyymmdd, "-" and the sequence number, e.g. "000.00.16.H05-240305-0001" or "G09.20-20260609-0092637"';

/** A dossier code (Decree 61/2018 Art. 26); both date widths occur, and the date must exist. */
export function checkDossierCode(raw: string): Checked {
  const value = plain(raw);
  const parts = /^([^-]+)-(\d{6}|\d{8})-(\d{1,12})$/.exec(value);
  if (parts === null) return { expected: dossierCodeForm };
  const [, agency = '', date = '', sequence = ''] = parts;
  const agencyChecked = checkAgencyCode(agency);
  if ('expected' in agencyChecked) return { expected: dossierCodeForm, reason: `its first part "${agency}" is not an agency identifier of capital letters, digits and dots` };
  // Dossier codes were introduced in 2018, so a two-digit year is 20yy.
  const year = date.length === 6 ? 2000 + Number(date.slice(0, 2)) : Number(date.slice(0, 4));
  const month = Number(date.slice(-4, -2));
  const day = Number(date.slice(-2));
  if (!isRealDate(year, month, day)) return { expected: dossierCodeForm, reason: `its date part "${date}" is not a real date` };
  return { value: `${agency}-${date}-${sequence}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Dates.

const dateForm = 'a date as dd/mm/yyyy or yyyy-mm-dd, e.g. "05/03/2024" or "2024-03-05"';

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; Date.UTC maps years 0–99 to 19xx, so set it apart.
  const last = new Date(Date.UTC(2000, month, 0));
  last.setUTCFullYear(year, month, 0);
  return day <= last.getUTCDate();
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A calendar date, as Vietnamese forms write it (dd/mm/yyyy, d/m/yyyy) or ISO; stored as ISO yyyy-mm-dd. */
export function checkDate(raw: string): Checked {
  const value = plain(raw);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]].map(Number) : vn ? [vn[3], vn[2], vn[1]].map(Number) : [];
  if (year === undefined || month === undefined || day === undefined || year < 1000) return { expected: dateForm };
  if (!isRealDate(year, month, day)) return { expected: dateForm, reason: 'that day does not exist' };
  return { value: isoDate(year, month, day) };
}

/** The stored form of permanent validity or retention. */
export const permanent = 'VINH_VIEN';

function isPermanentWord(raw: string): boolean {
  return ['vinh vien', 'permanent'].includes(foldVietnamese(raw));
}

/** The end of a validity period: a date, or VINH_VIEN when the paper never expires. */
export function checkDateOrPermanent(raw: string): Checked {
  if (isPermanentWord(raw)) return { value: permanent };
  const checked = checkDate(raw);
  return 'value' in checked ? checked : { ...checked, expected: `${checked.expected}, or "${permanent}" (vĩnh viễn) when it never expires` };
}

/** An ISO 8601 date and time (the QR code's time of issue), kept as given once the date and time are valid. */
export function checkDateTime(raw: string): Checked {
  const form = 'an ISO 8601 date and time, e.g. "2024-03-05T09:30:00+07:00"';
  const value = plain(raw);
  const parts = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (parts === null) return { expected: form };
  const [, date = '', hours, minutes, seconds = '0'] = parts;
  if (!('value' in checkDate(date)) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return { expected: form };
  return { value: value.replace(' ', 'T') };
}

// ---------------------------------------------------------------------------------------------------------------
// Number and symbol of a document (Decree 30/2020 Appendix I; Law on Promulgation of VBQPPL 2015 Art. 10).

/** Facts: `[A-ZĐ][A-Za-zĐđ&]*` groups joined by "-", at least two; mixed case (QyĐ, CTr, TTr) is allowed. */
export const symbolPattern = /^[A-ZĐ][A-Za-zĐđ&]*(-[A-ZĐ][A-Za-zĐđ&]*)+$/u;
/** A number, with "/yyyy" for a legal normative document. */
const numberPattern = /^\d{1,7}(\/\d{4})?$/;

const symbolForm = 'a symbol of abbreviations joined by "-", each starting with a capital, e.g. "QĐ-UBND", "UBND-VP" or "TTr-PNV"';
const numberForm = 'a document number such as "15" (or "12/2024" for a legal normative document), optionally followed by "/" and the symbol, e.g. "15/QĐ-UBND"';

export function checkSymbol(raw: string): Checked {
  const value = plain(raw);
  return symbolPattern.test(value) ? { value } : { expected: symbolForm };
}

/**
 * Reads a number, alone or with its symbol as printed ("Số: 12/2024/QĐ-UBND"), into its parts. The symbol
 * starts with a letter, so "12/2024" stays one number and the year is never taken for a symbol.
 */
export function splitNumberSymbol(raw: string): { number: string; symbol?: string } | { expected: string; reason?: string } {
  const text = plain(raw)
    .replace(/^số\s*:?\s*/iu, '')
    .replace(/\s*\/\s*/gu, '/');
  const parts = /^(\d+(?:\/\d{4})?)(?:\/(.+))?$/u.exec(text);
  const number = parts?.[1];
  if (number === undefined || !numberPattern.test(number) || /^0+(\/|$)/.test(number)) return { expected: numberForm };
  const symbol = parts?.[2];
  if (symbol === undefined) return { number };
  return symbolPattern.test(symbol) ? { number, symbol } : { expected: numberForm, reason: `the part after the number, "${symbol}", is not a symbol like "QĐ-UBND"` };
}

/** The number and symbol as printed, "15/QĐ-UBND", from the two stored fields. */
export function joinNumberSymbol(number: string | undefined, symbol: string | undefined): string | undefined {
  if (number && symbol) return `${number}/${symbol}`;
  return number || symbol || undefined;
}
