// Reads the Circular 01/2023/TT-VPCP content of a decoded QR code (JSON, "Label: value" lines or a look-up URL) into field values.

/** The fields of the shared field contract that a Circular 01/2023 QR code can fill. */
export const qrFieldKeys = [
  'code',
  'procedureCode',
  'ownerId',
  'documentName',
  'issuingSystem',
  'issuedAt',
  'appointmentDate',
  'validFrom',
  'validTo',
  'scope',
] as const;
export type QrFieldKey = (typeof qrFieldKeys)[number];

export type QrContentFormat = 'json' | 'lines' | 'url' | 'unknown';

export interface QrContent {
  format: QrContentFormat;
  fields: Partial<Record<QrFieldKey, string>>;
  /** Items the content carried that no field takes, as printed (`key: value`, the line, or `key=value`). */
  unrecognised: string[];
  /** Why a value or the whole content could not be read; empty when everything was read. */
  problems: string[];
}

/** `validTo` of a result that never expires, as the retention field spells it. */
export const VALID_FOREVER = 'VINH_VIEN';

/** How a value is read: plain text, a date, a date with an optional time, an end date that may be "vĩnh viễn", or a whole validity range. */
type ValueKind = 'text' | 'date' | 'dateTime' | 'validTo' | 'validity';

interface KeyTarget {
  field: QrFieldKey | 'validity';
  kind: ValueKind;
}

/**
 * Folded names (see `foldKey`) each field is known by. No official encoding of the QR content was found, so the
 * list holds the camel-case JSON keys, the Vietnamese labels of the circular and the variants seen on printed
 * receipts; the folding makes "Mã hồ sơ", "maHoSo", "MA_HO_SO" and "mahoso" the same key.
 */
const keyAliases: ReadonlyArray<readonly [KeyTarget, readonly string[]]> = [
  [{ field: 'code', kind: 'text' }, ['mahoso', 'masohoso', 'sohoso', 'mahs']],
  [{ field: 'procedureCode', kind: 'text' }, ['matthc', 'mathutuc', 'mathutuchanhchinh', 'masothutuc']],
  [
    { field: 'ownerId', kind: 'text' },
    [
      'sodinhdanh',
      'madinhdanh',
      'sodinhdanhcanhan',
      'madinhdanhcanhan',
      'cccd',
      'socccd',
      'socancuoc',
      'socancuoccongdan',
      'cmnd',
      'socmnd',
      'masothue',
      'mst',
      'masodoanhnghiep',
      'madinhdanhtochuc',
    ],
  ],
  [{ field: 'documentName', kind: 'text' }, ['tengiayto', 'tenvanban', 'tenketqua', 'tengiaytoketqua']],
  [{ field: 'issuingSystem', kind: 'text' }, ['hethong', 'tenhethong', 'hethongnguon', 'hethongcap', 'noicap']],
  [{ field: 'issuedAt', kind: 'dateTime' }, ['thoigian', 'thoigiancap', 'thoigianphathanh', 'ngaycap', 'ngayphathanh', 'ngaybanhanh']],
  [{ field: 'appointmentDate', kind: 'date' }, ['ngayhentra', 'ngayhentraketqua', 'hentra', 'ngayhen']],
  [{ field: 'validFrom', kind: 'date' }, ['hieuluctu', 'hieuluctungay', 'ngayhieuluc', 'cohieuluctu']],
  [{ field: 'validTo', kind: 'validTo' }, ['hieulucden', 'hieulucdenngay', 'ngayhethieuluc', 'hethieuluc', 'cohieulucden']],
  [{ field: 'validity', kind: 'validity' }, ['hieuluc', 'thoihanhieuluc']],
  [{ field: 'scope', kind: 'text' }, ['phamvi', 'phamvihieuluc', 'phamvisudung', 'phamviapdung']],
];

const targetByKey: ReadonlyMap<string, KeyTarget> = new Map(keyAliases.flatMap(([target, aliases]) => aliases.map((alias) => [alias, target] as const)));

/**
 * Reads QR content in any of the three accepted forms. Never throws: content it cannot read gives no fields and a
 * reason in `problems`, and every key it does not know lands in `unrecognised`.
 */
export function parseQrContent(text: string): QrContent {
  const content = text.replace(/^\uFEFF/u, '').trim();
  if (content === '') return { format: 'unknown', fields: {}, unrecognised: [], problems: ['the QR code is empty'] };
  if (content.startsWith('{') || content.startsWith('[')) return readJson(content);
  if (/^https?:\/\/\S+$/iu.test(content)) return readUrl(content);
  const lines = splitLines(content);
  if (lines.some((line) => labelledLine(line) !== undefined)) return readLines(lines);
  return { format: 'unknown', fields: {}, unrecognised: [], problems: ['the content is neither a JSON object, a URL nor "Label: value" lines'] };
}

/** Folds a key or label for lookup: no case, no diacritics, no spaces or punctuation ("Mã TTHC" → "matthc"). */
export function foldKey(key: string): string {
  return key
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/đ/gu, 'd')
    .replace(/[^a-z0-9]/gu, '');
}

function readJson(content: string): QrContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    return { format: 'json', fields: {}, unrecognised: [], problems: [`malformed JSON: ${(err as Error).message}`] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { format: 'json', fields: {}, unrecognised: [], problems: [`expected a JSON object but received ${Array.isArray(parsed) ? 'an array' : typeof parsed}`] };
  }
  const collector = new FieldCollector('json');
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || value === '') continue;
    const printed = `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    if (typeof value === 'number') {
      // A number loses the leading zeros of an ID ("001085012345" → 1085012345), so it is read but flagged.
      collector.add(key, String(value), printed);
      if (targetByKey.has(foldKey(key))) collector.problems.push(`${key}: expected text but received the number ${value}; leading zeros may be lost`);
    } else if (typeof value === 'string') {
      collector.add(key, value, printed);
    } else {
      collector.unrecognised.push(printed);
      if (targetByKey.has(foldKey(key))) collector.problems.push(`${key}: expected text but received ${Array.isArray(value) ? 'an array' : typeof value}`);
    }
  }
  return collector.result();
}

function readUrl(content: string): QrContent {
  let url: URL;
  try {
    url = new URL(content);
  } catch {
    return { format: 'url', fields: {}, unrecognised: [], problems: [`malformed URL: ${content}`] };
  }
  const collector = new FieldCollector('url');
  for (const [key, value] of url.searchParams) {
    if (value.trim() === '') continue;
    collector.add(key, value, `${key}=${value}`);
  }
  return collector.result();
}

/** Lines, or for one-line content the `|` or `;` separated parts when each of them is labelled. */
function splitLines(content: string): string[] {
  const lines = content
    .split(/\r\n|\r|\n/u)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length > 1) return lines;
  for (const separator of ['|', ';']) {
    const parts = content.split(separator).map((part) => part.trim());
    if (parts.length > 1 && parts.every((part) => labelledLine(part) !== undefined)) return parts;
  }
  return lines;
}

/** Splits "1. Mã hồ sơ: 000.00.16.H05-240305-0001" at its first colon; undefined when the line has no label. */
function labelledLine(line: string): { label: string; value: string } | undefined {
  const match = /^[\s\-–•*+.\d)]*([^:]{1,60}?)\s*:\s*(.*)$/u.exec(line);
  // A label has letters: "09:15" on a line of its own is a value, not a label.
  if (!match || !/\p{L}{2}/u.test(match[1]!)) return undefined;
  return { label: match[1]!, value: match[2]! };
}

function readLines(lines: readonly string[]): QrContent {
  const collector = new FieldCollector('lines');
  for (const line of lines) {
    const labelled = labelledLine(line);
    if (labelled === undefined) collector.unrecognised.push(line);
    else if (labelled.value.trim() !== '') collector.add(labelled.label, labelled.value, line);
  }
  return collector.result();
}

/** Gathers values from one piece of content, reading each by its kind and keeping the first of two that disagree. */
class FieldCollector {
  readonly fields: Partial<Record<QrFieldKey, string>> = {};
  readonly unrecognised: string[] = [];
  readonly problems: string[] = [];
  readonly format: QrContentFormat;

  constructor(format: QrContentFormat) {
    this.format = format;
  }

  add(key: string, rawValue: string, printed: string): void {
    const target = targetByKey.get(foldKey(key));
    if (target === undefined) {
      this.unrecognised.push(printed);
      return;
    }
    const value = tidy(rawValue);
    if (target.kind === 'validity') {
      const range = readValidity(value);
      if (typeof range === 'string') this.problems.push(`${key}: ${range}`);
      else {
        if (range.validFrom !== undefined) this.set(key, 'validFrom', range.validFrom);
        if (range.validTo !== undefined) this.set(key, 'validTo', range.validTo);
      }
      return;
    }
    const read = readValue(target.kind, value);
    if (read.ok) this.set(key, target.field as QrFieldKey, read.value);
    else this.problems.push(`${key}: ${read.problem}`);
  }

  private set(key: string, field: QrFieldKey, value: string): void {
    const earlier = this.fields[field];
    if (earlier === undefined) this.fields[field] = value;
    else if (earlier !== value) this.problems.push(`${key}: ${quote(value)} disagrees with ${quote(earlier)} given earlier for ${field}; the earlier value is kept`);
  }

  result(): QrContent {
    const problems = [...this.problems];
    if (Object.keys(this.fields).length === 0 && problems.length === 0) problems.push('no Circular 01/2023 field was recognised');
    return { format: this.format, fields: { ...this.fields }, unrecognised: [...this.unrecognised], problems };
  }
}

type Read = { ok: true; value: string } | { ok: false; problem: string };

function readValue(kind: Exclude<ValueKind, 'validity'>, value: string): Read {
  switch (kind) {
    case 'text':
      return { ok: true, value };
    case 'dateTime': {
      const parsed = parseDateTime(value);
      return parsed ? { ok: true, value: parsed } : { ok: false, problem: `expected a date such as 05/03/2024, 05/03/2024 09:15 or 2024-03-05 but received ${quote(value)}` };
    }
    case 'date': {
      // An appointment or a validity start printed with a time keeps only its date: the contract stores dates there.
      const parsed = parseDateTime(value);
      return parsed ? { ok: true, value: parsed.slice(0, 10) } : { ok: false, problem: `expected a date such as 05/03/2024 or 2024-03-05 but received ${quote(value)}` };
    }
    case 'validTo': {
      if (isForever(value)) return { ok: true, value: VALID_FOREVER };
      const parsed = parseDateTime(value);
      return parsed ? { ok: true, value: parsed.slice(0, 10) } : { ok: false, problem: `expected a date such as 05/03/2029 or "vĩnh viễn" but received ${quote(value)}` };
    }
  }
}

/** A validity range: "05/03/2024 - 05/03/2029", "từ 05/03/2024 đến 05/03/2029", "đến 05/03/2029", "vĩnh viễn". */
export function readValidity(value: string): { validFrom?: string; validTo?: string } | string {
  const dates: { iso: string; index: number }[] = [];
  for (const match of value.matchAll(datePattern)) {
    const iso = parseDateTime(match[0]);
    if (iso === undefined) return `${quote(match[0])} is not a valid date`;
    dates.push({ iso: iso.slice(0, 10), index: match.index });
  }
  const forever = isForever(value);
  if (dates.length === 2 && !forever) return { validFrom: dates[0]!.iso, validTo: dates[1]!.iso };
  if (dates.length === 1 && forever) return { validFrom: dates[0]!.iso, validTo: VALID_FOREVER };
  if (dates.length === 0 && forever) return { validTo: VALID_FOREVER };
  if (dates.length === 1) {
    const before = foldWords(value.slice(0, dates[0]!.index));
    if (/\b(den|toi|het)\b/u.test(before)) return { validTo: dates[0]!.iso };
    if (/\btu\b/u.test(before)) return { validFrom: dates[0]!.iso };
    return `${quote(value)} has one date and no "từ" (from) or "đến" (until), so it is unclear which end it is`;
  }
  return `expected a range such as "05/03/2024 - 05/03/2029", "đến 05/03/2029" or "vĩnh viễn" but received ${quote(value)}`;
}

/** dd/mm/yyyy (also with - or .) or yyyy-mm-dd, each with an optional time; the time may also come first. */
const datePattern = /\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s+\d{1,2}[:h]\d{2}(?::\d{2})?)?/gu;

/**
 * Normalises a date or date-time to ISO 8601: "05/03/2024" → "2024-03-05", "05/03/2024 09:15" and
 * "09:15 ngày 05/03/2024" → "2024-03-05T09:15:00+07:00". A time printed without an offset is the issuing system's
 * wall clock, and Vietnam keeps one zone all year (UTC+7), so the offset is written out: the archive's value then
 * means one instant. An offset that is printed is kept. Undefined for anything else, including impossible dates
 * such as 31/02/2024.
 */
export function parseDateTime(value: string): string | undefined {
  const text = foldWords(value)
    .replace(/\b(ngay|luc|vao)\b/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/u.exec(text);
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, offset] = iso;
    return composeDate(year!, month!, day!, hour, minute, second, fraction ?? '', offset === undefined ? '' : offset.toUpperCase());
  }
  const timeFirst = /^(\d{1,2})[:h](\d{2})(?::(\d{2}))? (\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/u.exec(text);
  if (timeFirst) {
    const [, hour, minute, second, day, month, year] = timeFirst;
    return composeDate(year!, month!, day!, hour, minute, second, '', '');
  }
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: (\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$/u.exec(text);
  if (dayFirst) {
    const [, day, month, year, hour, minute, second] = dayFirst;
    return composeDate(year!, month!, day!, hour, minute, second, '', '');
  }
  return undefined;
}

/** Indochina Time, Vietnam's only zone, without daylight saving. */
const VIETNAM_OFFSET = '+07:00';

function composeDate(year: string, month: string, day: string, hour: string | undefined, minute: string | undefined, second: string | undefined, fraction: string, offset: string): string | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth) return undefined;
  const date = `${year}-${pad2(m)}-${pad2(d)}`;
  if (hour === undefined || minute === undefined) return date;
  if (Number(hour) > 23 || Number(minute) > 59 || (second !== undefined && Number(second) > 59)) return undefined;
  const withOffset = offset === '' ? VIETNAM_OFFSET : offset === 'Z' || offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  return `${date}T${pad2(Number(hour))}:${minute}:${second ?? '00'}${fraction}${withOffset}`;
}

function isForever(value: string): boolean {
  return /\b(vinh vien|khong (xac dinh )?thoi han|khong thoi han)\b/u.test(foldWords(value));
}

/** Lower case, no diacritics, words separated by single spaces: for reading the words around a date. */
function foldWords(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/đ/gu, 'd')
    .replace(/_/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

function tidy(value: string): string {
  return value.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

function quote(value: string): string {
  return JSON.stringify(value);
}
