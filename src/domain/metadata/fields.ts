// The one table of metadata fields that the manifest, the records, the XMP packet and the XML export share.
import { tidyText } from './fold-vietnamese.ts';
import type { Checked } from './identifiers.ts';
import {
  checkAgencyCode,
  checkDate,
  checkDateOrPermanent,
  checkDateTime,
  checkDossierCode,
  checkOwnerId,
  checkOwnerIdKind,
  checkProcedureCode,
  checkSymbol,
  ownerIdKinds,
  maskPersonalId,
  splitNumberSymbol,
  symbolPattern,
} from './identifiers.ts';
import {
  accessLevels,
  checkAccessLevel,
  checkDocumentType,
  checkLanguages,
  checkReliability,
  checkRetention,
  checkSecrecy,
  checkSigningCapacity,
  checkUrgency,
  reliabilities,
  secrecyMarks,
  signingCapacities,
  urgencyMarks,
} from './vocabularies.ts';

export type FieldLevel = 'dossier' | 'document';

/**
 * Where a value may come from. `metadata`: the manifest's metadata (and the QR or OCR stages);
 * `manifest-key`: the manifest's own dossier keys (code, title, kind); `qr-only`: read from the QR code of
 * Circular 01/2023 and never typed; `counted`: sohoa counts it.
 */
export type FieldGivenAs = 'metadata' | 'manifest-key' | 'qr-only' | 'counted';

/**
 * `exact`: equal once normalised (codes, dates by value, marks); `text`: equal ignoring case and spacing, tolerantly
 * ignoring diacritics; `agency`: as text, and also when one name is the other without its locality (the header
 * prints "SỞ NỘI VỤ" under its parent where a manifest writes "Sở Nội vụ tỉnh Lào Cai") or abbreviated ("UBND").
 */
export type FieldComparison = 'exact' | 'text' | 'agency';

/** A value accepted by a field's normaliser; `also` carries further fields read from it (the symbol in "15/QĐ-UBND"). */
export type Normalised = { value: string; warning?: string; also?: Record<string, string> } | { expected: string; reason?: string };

export interface FieldSpec {
  key: string;
  level: FieldLevel;
  labelVi: string;
  labelEn: string;
  /** Element name in Decree 30/2020 Appendix VI (or Circular 02/2019 where Appendix VI has none); `A/B` is a child. */
  xmlElement?: string;
  /** Personal data: never in object metadata or logs, masked in messages. */
  personal: boolean;
  givenAs: FieldGivenAs;
  comparison: FieldComparison;
  /** The stored (normalised) form, for the JSON Schema. */
  stored?: { pattern: RegExp } | { values: readonly string[] };
  /** The stored form of a value read in part (it then carries `partial`), when it differs from `stored`. */
  partialStored?: { pattern: RegExp };
  /** A valid value as a manifest would give it. */
  example: string;
  normalise: (raw: string) => Normalised;
}

/** Free text: tidied, at most `maxLength` characters (the Appendix VI length where it gives one). */
export function checkText(maxLength: number): (raw: string) => Checked {
  return (raw) => {
    const value = tidyText(raw);
    return value.length > 0 && value.length <= maxLength ? { value } : { expected: `a text of 1 to ${maxLength} characters` };
  };
}

function splitNumber(raw: string): Normalised {
  const parts = splitNumberSymbol(raw);
  if ('expected' in parts) return parts;
  return parts.symbol === undefined ? { value: parts.number } : { value: parts.number, also: { symbol: parts.symbol } };
}

function ownerId(raw: string): Normalised {
  const checked = checkOwnerId(raw);
  return 'expected' in checked ? checked : { value: checked.value };
}

/** Counts are never typed, but a stage that counts goes through the same table. */
function checkCount(raw: string): Normalised {
  const value = raw.trim();
  return /^\d+$/.test(value) ? { value: String(Number(value)) } : { expected: 'a whole number, e.g. "3"' };
}

function checkKind(raw: string): Normalised {
  const value = raw.trim();
  return value === 'component' || value === 'result' ? { value } : { expected: '"component" or "result"' };
}

const isoDate = { pattern: /^\d{4}-\d{2}-\d{2}$/ };
const agencyCode = { pattern: /^[0-9A-Z]+(\.[0-9A-Z]+)*$/ };
const count = { pattern: /^\d+$/ };

type Row = Omit<FieldSpec, 'level' | 'personal' | 'givenAs' | 'comparison'> & Partial<Pick<FieldSpec, 'personal' | 'givenAs' | 'comparison'>>;

// The TTHC dossier code stands in for Appendix VI's FileCode (OrganId + FileCatalog + FileNotation) until an
// archive assigns its own; OrganId is 13 characters, the length of an identifier like 000.00.16.H05.
const dossierRows: Row[] = [
  { key: 'code', labelVi: 'Mã hồ sơ', labelEn: 'dossier code', xmlElement: 'FileCode', givenAs: 'manifest-key', example: '000.00.16.H05-240305-0001', normalise: checkDossierCode },
  { key: 'procedureCode', labelVi: 'Mã thủ tục hành chính', labelEn: 'procedure (TTHC) code', stored: { pattern: /^\d\.\d{6}$/ }, example: '1.000466', normalise: checkProcedureCode },
  { key: 'agencyCode', labelVi: 'Mã định danh cơ quan tiếp nhận', labelEn: 'receiving agency identifier', xmlElement: 'OrganId', stored: agencyCode, example: '000.00.16.H05', normalise: checkAgencyCode },
  { key: 'ownerId', labelVi: 'Số định danh của chủ hồ sơ', labelEn: 'owner identifier', personal: true, stored: { pattern: /^[0-9A-Z-]+$/ }, example: '001099012345', normalise: ownerId },
  { key: 'ownerIdKind', labelVi: 'Loại giấy tờ định danh', labelEn: 'owner identifier kind', stored: { values: ownerIdKinds }, example: 'cccd', normalise: checkOwnerIdKind },
  { key: 'ownerName', labelVi: 'Tên chủ hồ sơ', labelEn: 'owner name', personal: true, comparison: 'text', example: 'Nguyễn Văn An', normalise: checkText(200) },
  { key: 'kind', labelVi: 'Loại hồ sơ (thành phần hồ sơ / kết quả)', labelEn: 'kind (dossier component or procedure result)', givenAs: 'manifest-key', stored: { values: ['component', 'result'] }, example: 'component', normalise: checkKind },
  { key: 'title', labelVi: 'Tiêu đề hồ sơ', labelEn: 'title', xmlElement: 'Title', givenAs: 'manifest-key', comparison: 'text', example: 'Hồ sơ cấp giấy phép xây dựng', normalise: checkText(1000) },
  { key: 'retention', labelVi: 'Thời hạn bảo quản', labelEn: 'retention', xmlElement: 'Maintenance', stored: { pattern: /^(VINH_VIEN|[1-9]\d?|100)$/ }, example: 'VINH_VIEN', normalise: checkRetention },
  { key: 'accessLevel', labelVi: 'Mức độ tiếp cận', labelEn: 'access level', xmlElement: 'Rights', stored: { values: accessLevels }, example: 'public', normalise: checkAccessLevel },
  { key: 'language', labelVi: 'Ngôn ngữ', labelEn: 'language', xmlElement: 'Language', stored: { pattern: /^[a-z]{2}(,[a-z]{2})*$/ }, example: 'vi', normalise: checkLanguages },
  { key: 'startDate', labelVi: 'Thời gian bắt đầu', labelEn: 'start date', xmlElement: 'StartDate', stored: isoDate, example: '05/03/2024', normalise: checkDate },
  { key: 'endDate', labelVi: 'Thời gian kết thúc', labelEn: 'end date', xmlElement: 'EndDate', stored: isoDate, example: '2024-03-12', normalise: checkDate },
  { key: 'documentCount', labelVi: 'Tổng số văn bản trong hồ sơ', labelEn: 'document count', xmlElement: 'DocTotal', givenAs: 'counted', stored: count, example: '3', normalise: checkCount },
  { key: 'pageCount', labelVi: 'Tổng số trang của hồ sơ', labelEn: 'page count', xmlElement: 'PageTotal', givenAs: 'counted', stored: count, example: '12', normalise: checkCount },
];

const documentRows: Row[] = [
  { key: 'documentType', labelVi: 'Tên loại văn bản', labelEn: 'document type', xmlElement: 'TypeName', comparison: 'text', example: 'Quyết định', normalise: checkDocumentType },
  { key: 'number', labelVi: 'Số của văn bản', labelEn: 'number', xmlElement: 'CodeNumber', stored: { pattern: /^\d{1,7}(\/\d{4})?$/ }, example: '15/QĐ-UBND', normalise: splitNumber },
  { key: 'symbol', labelVi: 'Ký hiệu của văn bản', labelEn: 'symbol', xmlElement: 'CodeNotation', stored: { pattern: symbolPattern }, example: 'QĐ-UBND', normalise: checkSymbol },
  { key: 'issueDate', labelVi: 'Ngày, tháng, năm văn bản', labelEn: 'issue date', xmlElement: 'IssuedDate', stored: isoDate, partialStored: { pattern: /^\d{4}(-\d{2})?$/ }, example: '05/03/2024', normalise: checkDate },
  { key: 'place', labelVi: 'Địa danh', labelEn: 'place of issue', comparison: 'text', example: 'Lào Cai', normalise: checkText(100) },
  { key: 'issuer', labelVi: 'Tên cơ quan, tổ chức ban hành văn bản', labelEn: 'issuing agency', xmlElement: 'OrganName', comparison: 'agency', example: 'Ủy ban nhân dân tỉnh Lào Cai', normalise: checkText(200) },
  { key: 'issuerParent', labelVi: 'Tên cơ quan, tổ chức chủ quản trực tiếp', labelEn: 'parent agency of the issuer', comparison: 'agency', example: 'Ủy ban nhân dân tỉnh Lào Cai', normalise: checkText(200) },
  { key: 'issuerCode', labelVi: 'Mã định danh cơ quan ban hành', labelEn: 'issuing agency identifier', stored: agencyCode, example: '000.00.00.H39', normalise: checkAgencyCode },
  { key: 'subject', labelVi: 'Trích yếu nội dung', labelEn: 'subject', xmlElement: 'Subject', comparison: 'text', example: 'Về việc tặng danh hiệu Lao động tiên tiến năm 2023', normalise: checkText(500) },
  { key: 'signer', labelVi: 'Người ký', labelEn: 'signer', xmlElement: 'SignerInfo/FullName', personal: true, comparison: 'text', example: 'Nguyễn Văn An', normalise: checkText(50) },
  { key: 'signerTitle', labelVi: 'Chức vụ người ký', labelEn: "signer's title", xmlElement: 'SignerInfo/Position', comparison: 'text', example: 'Chủ tịch', normalise: checkText(100) },
  { key: 'signingCapacity', labelVi: 'Thẩm quyền ký', labelEn: 'signing capacity', stored: { values: signingCapacities }, example: 'KT.', normalise: checkSigningCapacity },
  { key: 'reliability', labelVi: 'Mức độ tin cậy', labelEn: 'reliability', xmlElement: 'ConfidenceLevel', stored: { values: reliabilities }, example: 'original', normalise: checkReliability },
  { key: 'secrecy', labelVi: 'Độ mật', labelEn: 'secrecy mark', stored: { values: secrecyMarks }, example: 'mat', normalise: checkSecrecy },
  { key: 'urgency', labelVi: 'Độ khẩn', labelEn: 'urgency mark', stored: { values: urgencyMarks }, example: 'khan', normalise: checkUrgency },
  { key: 'validFrom', labelVi: 'Hiệu lực từ ngày', labelEn: 'valid from', stored: isoDate, example: '2024-03-05', normalise: checkDate },
  { key: 'validTo', labelVi: 'Hiệu lực đến ngày', labelEn: 'valid to', stored: { pattern: /^(\d{4}-\d{2}-\d{2}|VINH_VIEN)$/ }, example: 'VINH_VIEN', normalise: checkDateOrPermanent },
  { key: 'scope', labelVi: 'Phạm vi hiệu lực', labelEn: 'scope of validity', comparison: 'text', example: 'Toàn quốc', normalise: checkText(500) },
  { key: 'language', labelVi: 'Ngôn ngữ', labelEn: 'language', xmlElement: 'Language', stored: { pattern: /^[a-z]{2}(,[a-z]{2})*$/ }, example: 'vi', normalise: checkLanguages },
  { key: 'pageCount', labelVi: 'Số lượng trang', labelEn: 'page count', xmlElement: 'PageAmount', givenAs: 'counted', stored: count, example: '2', normalise: checkCount },
  { key: 'documentName', labelVi: 'Tên giấy tờ (mã QR)', labelEn: 'document name (QR code)', givenAs: 'qr-only', comparison: 'text', example: 'Giấy phép xây dựng', normalise: checkText(500) },
  { key: 'issuingSystem', labelVi: 'Tên hệ thống cấp (mã QR)', labelEn: 'issuing system (QR code)', givenAs: 'qr-only', comparison: 'text', example: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai', normalise: checkText(500) },
  { key: 'issuedAt', labelVi: 'Thời gian cấp (mã QR)', labelEn: 'time of issue (QR code)', givenAs: 'qr-only', example: '2024-03-05T09:30:00+07:00', normalise: checkDateTime },
  { key: 'appointmentDate', labelVi: 'Ngày hẹn trả kết quả (mã QR)', labelEn: 'appointment date (QR code)', givenAs: 'qr-only', stored: isoDate, example: '2024-03-12', normalise: checkDate },
];

function spec(level: FieldLevel, row: Row): FieldSpec {
  return { ...row, level, personal: row.personal ?? false, givenAs: row.givenAs ?? 'metadata', comparison: row.comparison ?? 'exact' };
}

/** Every field, dossier fields first; `language` and `pageCount` exist at both levels with the same meaning. */
export const fieldSpecs: readonly FieldSpec[] = [...dossierRows.map((row) => spec('dossier', row)), ...documentRows.map((row) => spec('document', row))];

export function fieldsOf(level: FieldLevel): FieldSpec[] {
  return fieldSpecs.filter((field) => field.level === level);
}

/** The field `key` of `level`, or undefined for custom (`x-`) and unknown keys. */
export function fieldSpec(level: FieldLevel, key: string): FieldSpec | undefined {
  return fieldSpecs.find((field) => field.level === level && field.key === key);
}

/** Custom fields: any key starting with "x-" holds free text (a local register number, a shelf mark). */
export function isCustomKey(key: string): boolean {
  return /^x-\S/.test(key);
}

/** Normalises a value of `key` at `level` for any source (manifest, QR, OCR); custom keys keep tidied text. */
export function normaliseField(level: FieldLevel, key: string, raw: string): Normalised {
  const field = fieldSpec(level, key);
  if (field) return field.normalise(raw);
  const value = tidyText(raw);
  return value.length > 0 ? { value } : { expected: 'a non-empty text' };
}

/**
 * A value as a message may show it, since messages reach logs: as is when it is not personal data, an
 * identifier masked to its last three characters, and undefined for a name, which a message leaves out.
 */
export function maskPersonal(field: FieldSpec | undefined, value: string): string | undefined {
  if (!field?.personal) return value;
  return field.comparison === 'exact' ? maskPersonalId(value) : undefined;
}
