// The XML export of a dossier and its documents, shaped after the input standard of Decree 30/2020 Appendix VI.
import type { FieldValue } from '../domain/metadata/model.ts';
import type { DocumentRecord, DossierRecord } from '../domain/record.ts';
import { escapeXml } from '../pdf/xmp.ts';

const text = escapeXml;
const attr = escapeXml;

/** Version of this export's shape; the root element carries it. */
export const dossierXmlVersion = 1;

type Fields = Readonly<Record<string, FieldValue>>;

/**
 * Appendix VI names the elements (FileCode, Title, Maintenance, Rights, Language, StartDate, EndDate, DocTotal,
 * PageTotal, Description for the dossier; DocOrdinal, TypeName, CodeNumber, CodeNotation, IssuedDate, OrganName,
 * Subject, Language, PageAmount, SignerInfo, Priority for a document) and writes dates dd/mm/yyyy. Values sohoa
 * knows that the standard has no element for (the procedure dossier code, the owner, QR and validity fields) go in
 * an `Extension` element, so a reader of the standard can ignore them. Every value says where it came from.
 */
export function buildDossierXml(dossier: Omit<DossierRecord, 'exports'>, documents: readonly DocumentRecord[]): string {
  const fields = dossier.metadata;
  const fileCode = fileCodeXml(fields, dossier.dossierId);
  const byId = new Map(documents.map((d) => [d.documentId, d]));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Hồ sơ và văn bản theo chuẩn thông tin đầu vào, Phụ lục VI Nghị định 30/2020/NĐ-CP -->',
    `<Dossier version="${dossierXmlVersion}" batchId="${attr(dossier.batchId)}" dossierId="${attr(dossier.dossierId)}">`,
    ...indent(1, [
      ...fileCode,
      ...element('Title', fields['title']),
      ...element('Maintenance', fields['retention'], retentionText),
      ...element('Rights', fields['accessLevel'], accessText),
      ...element('Language', fields['language']),
      ...element('StartDate', fields['startDate'], vnDate),
      ...element('EndDate', fields['endDate'], vnDate),
      ...element('DocTotal', fields['documentCount']),
      ...element('PageTotal', fields['pageCount']),
      ...element('Description', fields['description']),
      ...extension(fields, ['code', 'procedureCode', 'kind', 'ownerId', 'ownerIdKind', 'ownerName']),
      '<Documents>',
      ...indent(
        1,
        dossier.documents.flatMap((entry, index) => {
          const record = byId.get(entry.documentId);
          return record ? documentXml(record, index + 1, fileCode) : [`<Document documentId="${attr(entry.documentId)}" status="${entry.status}"/>`];
        }),
      ),
      '</Documents>',
    ]),
    '</Dossier>',
  ];
  return `${lines.join('\n')}\n`;
}

function documentXml(record: DocumentRecord, ordinal: number, fileCode: string[]): string[] {
  const f = record.metadata;
  return [
    `<Document documentId="${attr(record.documentId)}" status="done">`,
    ...indent(1, [
      ...fileCode,
      `<DocOrdinal>${ordinal}</DocOrdinal>`,
      ...element('TypeName', f['documentType']),
      ...element('CodeNumber', f['number']),
      ...element('CodeNotation', f['symbol']),
      ...element('IssuedDate', f['issueDate'], vnDate),
      ...element('OrganName', f['issuer']),
      ...element('Subject', f['subject']),
      ...element('Language', f['language']),
      ...element('PageAmount', f['pageCount']),
      ...element('Description', f['description']),
      ...signerInfo(f),
      ...element('Priority', f['urgency'], priorityNumber),
      ...element('ConfidenceLevel', f['reliability']),
      ...extension(f, ['place', 'issuerParent', 'issuerCode', 'signingCapacity', 'secrecy', 'urgency', 'validFrom', 'validTo', 'scope', 'documentName', 'issuingSystem', 'issuedAt', 'appointmentDate', 'code', 'procedureCode', 'ownerId']),
      '<Files>',
      ...indent(1, record.outputs.map((o) => `<File key="${attr(o.key)}" contentType="${attr(o.contentType)}" sizeBytes="${o.sizeBytes}" sha256="${o.sha256}"/>`)),
      '</Files>',
    ]),
    '</Document>',
  ];
}

/** OrganId + FileCatalog (year) + FileNotation: the archive's code of the file (hồ sơ lưu trữ). */
function fileCodeXml(fields: Fields, dossierId: string): string[] {
  const year = (fields['startDate']?.value ?? '').slice(0, 4);
  return [
    '<FileCode>',
    ...indent(1, [
      ...element('OrganId', fields['agencyCode']),
      ...(year ? [`<FileCatalog>${year}</FileCatalog>`] : []),
      `<FileNotation>${text(dossierId)}</FileNotation>`,
    ]),
    '</FileCode>',
  ];
}

function signerInfo(f: Fields): string[] {
  const capacity = f['signingCapacity']?.value;
  const title = f['signerTitle']?.value;
  if (!title && !f['signer']) return [];
  const position = [capacity ? `${capacity}.` : '', title ?? ''].filter(Boolean).join(' ');
  return ['<SignerInfo>', ...indent(1, [...(position ? [`<Position${sourceAttrs(f['signerTitle'])}>${text(position)}</Position>`] : []), ...element('FullName', f['signer'])]), '</SignerInfo>'];
}

function extension(fields: Fields, keys: readonly string[]): string[] {
  const present = keys.filter((key) => fields[key] !== undefined);
  if (present.length === 0) return [];
  return ['<Extension>', ...indent(1, present.map((key) => `<Field name="${key}"${sourceAttrs(fields[key])}>${text(fields[key]!.value)}</Field>`)), '</Extension>'];
}

function element(name: string, field: FieldValue | undefined, format: (value: string) => string = (v) => v): string[] {
  if (!field || field.value === '') return [];
  return [`<${name}${sourceAttrs(field)}>${text(format(field.value))}</${name}>`];
}

/** Where the value came from, and for a value read from the page, which page and how sure. */
function sourceAttrs(field: FieldValue | undefined): string {
  if (!field) return '';
  let attrs = ` source="${field.source}"`;
  if (field.pageNumber !== undefined) attrs += ` page="${field.pageNumber}"`;
  if (field.confidence !== undefined) attrs += ` confidence="${field.confidence}"`;
  if (field.partial !== undefined) attrs += ` partial="${field.partial.missing.join(' ')}"`;
  return attrs;
}

/** Appendix VI writes dates dd/mm/yyyy; a date read in part keeps what is known, "01/2025" or "2025". */
export function vnDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (match) return `${match[3]}/${match[2]}/${match[1]}`;
  const reduced = /^(\d{4})(?:-(\d{2}))?$/.exec(iso);
  return reduced ? [reduced[2], reduced[1]].filter(Boolean).join('/') : iso;
}

function retentionText(value: string): string {
  return value === 'VINH_VIEN' ? 'Vĩnh viễn' : /^\d+$/.test(value) ? `${value} năm` : value;
}

function accessText(value: string): string {
  return ({ public: 'Công khai', restricted: 'Hạn chế', confidential: 'Mật' } as Record<string, string>)[value] ?? value;
}

/** Priority is a one-digit number: 0 normal; 1 khẩn, 2 thượng khẩn, 3 hỏa tốc (the Decree's urgency marks). */
function priorityNumber(urgency: string): string {
  return String({ khan: 1, 'thuong-khan': 2, 'hoa-toc': 3 }[urgency] ?? 0);
}

function indent(level: number, lines: string[]): string[] {
  const pad = '  '.repeat(level);
  return lines.map((line) => pad + line);
}
