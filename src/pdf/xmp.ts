// Builds the XMP metadata packet of a PDF/A-2b document, consistent with its document information dictionary.

/** What the XMP packet says about the document; each field mirrors an Info dictionary entry or a PDF/A claim. */
export interface XmpFields {
  title: string;
  identifier: string;
  /** BCP 47 tag, e.g. 'vi'. */
  language: string;
  createdAt: Date;
  modifiedAt: Date;
  producer: string;
  creatorTool: string;
  subject?: string;
  keywords?: string[];
  /** dc:creator, the issuing agency; mirrors the Info dictionary's /Author. */
  creator?: string;
  /** dc:type, the document type name, e.g. "Quyết định". */
  type?: string;
  /** dc:date, the issue date (ISO 8601). */
  date?: string;
  /** Vietnamese records fields in the sohoa namespace, by property name (see `sohoaProperties`). */
  sohoa?: Record<string, string>;
  /** PDF/A part and conformance level claimed in the pdfaid schema. */
  pdfaPart: 2;
  pdfaConformance: 'B';
}

/**
 * Returns the packet as text (encode it as UTF-8). PDF/A validators compare it field by field with the Info
 * dictionary, so dates use the same second precision and Keywords the same joined string as the Info entry.
 */
export function buildXmp(fields: XmpFields): string {
  const created = xmpDate(fields.createdAt);
  const modified = xmpDate(fields.modifiedAt);
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
    '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
    `    xmlns:sohoa="${SOHOA_NS}">`,
    '   <dc:format>application/pdf</dc:format>',
    `   <dc:title>${langAlt(fields.title)}</dc:title>`,
    ...(fields.creator === undefined ? [] : [`   <dc:creator><rdf:Seq><rdf:li>${escapeXml(fields.creator)}</rdf:li></rdf:Seq></dc:creator>`]),
    ...(fields.type === undefined ? [] : [`   <dc:type><rdf:Bag><rdf:li>${escapeXml(fields.type)}</rdf:li></rdf:Bag></dc:type>`]),
    ...(fields.date === undefined ? [] : [`   <dc:date><rdf:Seq><rdf:li>${escapeXml(fields.date)}</rdf:li></rdf:Seq></dc:date>`]),
    ...sohoaLines(fields.sohoa ?? {}),
    ...(fields.subject === undefined ? [] : [`   <dc:description>${langAlt(fields.subject)}</dc:description>`]),
    `   <dc:identifier>${escapeXml(fields.identifier)}</dc:identifier>`,
    `   <dc:language><rdf:Bag><rdf:li>${escapeXml(fields.language)}</rdf:li></rdf:Bag></dc:language>`,
    ...(fields.keywords === undefined || fields.keywords.length === 0
      ? []
      : [
          `   <dc:subject><rdf:Bag>${fields.keywords.map((k) => `<rdf:li>${escapeXml(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`,
          `   <pdf:Keywords>${escapeXml(joinKeywords(fields.keywords))}</pdf:Keywords>`,
        ]),
    `   <xmp:CreateDate>${created}</xmp:CreateDate>`,
    `   <xmp:ModifyDate>${modified}</xmp:ModifyDate>`,
    `   <xmp:MetadataDate>${modified}</xmp:MetadataDate>`,
    `   <xmp:CreatorTool>${escapeXml(fields.creatorTool)}</xmp:CreatorTool>`,
    `   <pdf:Producer>${escapeXml(fields.producer)}</pdf:Producer>`,
    `   <pdfaid:part>${fields.pdfaPart}</pdfaid:part>`,
    `   <pdfaid:conformance>${fields.pdfaConformance}</pdfaid:conformance>`,
    '  </rdf:Description>',
    ...extensionSchema(Object.keys(fields.sohoa ?? {})),
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ];
  return lines.join('\n');
}

/** The sohoa namespace: a URN, since it names a vocabulary and is never fetched. */
export const SOHOA_NS = 'urn:sohoa:xmp:records:1#';

/**
 * The properties sohoa writes in its namespace, with their descriptions. PDF/A-2 accepts a property outside the
 * standard schemas only when the packet itself declares it (an extension schema), so each one used is declared.
 */
export const sohoaProperties: Readonly<Record<string, string>> = {
  documentNumber: 'Số của văn bản: document number (with its year for normative documents)',
  documentSymbol: 'Ký hiệu của văn bản: document symbol, e.g. QĐ-UBND',
  documentType: 'Tên loại văn bản: document type name (Decree 30/2020 Art. 7)',
  issueDate: 'Ngày, tháng, năm văn bản: issue date, ISO 8601',
  issuePlace: 'Địa danh: place of issue',
  issuer: 'Tên cơ quan, tổ chức ban hành: issuing agency',
  issuerParent: 'Tên cơ quan, tổ chức chủ quản: parent agency of the issuer',
  issuerCode: 'Mã định danh cơ quan ban hành: issuing agency identifier',
  subject: 'Trích yếu nội dung: summary',
  signerTitle: 'Chức vụ người ký: signer position',
  signingCapacity: 'Thẩm quyền ký: TM, KT, TL, TUQ or Q',
  signer: 'Họ tên người ký: signer name',
  reliability: 'Mức độ tin cậy: original, copy or digitized',
  secrecy: 'Độ mật: mat, toi-mat or tuyet-mat',
  urgency: 'Độ khẩn: khan, thuong-khan or hoa-toc',
  validFrom: 'Hiệu lực từ: start of validity, ISO 8601',
  validTo: 'Hiệu lực đến: end of validity, ISO 8601 or VINH_VIEN',
  scope: 'Phạm vi hiệu lực: scope of validity',
  dossierCode: 'Mã hồ sơ: dossier code (Decree 61/2018 Art. 26)',
  procedureCode: 'Mã thủ tục hành chính: administrative procedure code',
  agencyCode: 'Mã định danh cơ quan tiếp nhận: receiving agency identifier (Decision 20/2020)',
  ownerId: 'Số định danh chủ hồ sơ: owner personal ID, tax or passport number',
  ownerIdKind: 'Loại số định danh: cccd, cmnd, passport or tax-code',
  dossierKind: 'Loại: component (thành phần hồ sơ) or result (kết quả giải quyết TTHC)',
  retention: 'Thời hạn lưu trữ: VINH_VIEN or a number of years',
  accessLevel: 'Mức độ tiếp cận: public, restricted or confidential',
  issuingSystem: 'Hệ thống cấp: system that issued the document (QR code)',
  documentName: 'Tên giấy tờ: document name (QR code)',
};

function sohoaLines(values: Record<string, string>): string[] {
  return Object.entries(values).map(([name, value]) => {
    if (!(name in sohoaProperties)) throw new Error(`XMP property sohoa:${name} is not declared in sohoaProperties; add it there first`);
    return `   <sohoa:${name}>${escapeXml(value)}</sohoa:${name}>`;
  });
}

/** The PDF/A extension schema that declares the sohoa properties used in this packet. */
function extensionSchema(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const property = (name: string) =>
    `      <rdf:li rdf:parseType="Resource"><pdfaProperty:name>${name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>` +
    `<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>${escapeXml(sohoaProperties[name] as string)}</pdfaProperty:description></rdf:li>`;
  return [
    '  <rdf:Description rdf:about=""',
    '    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"',
    '    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"',
    '    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
    '   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">',
    '    <pdfaSchema:schema>sohoa records metadata (Vietnamese administrative documents and dossiers)</pdfaSchema:schema>',
    `    <pdfaSchema:namespaceURI>${SOHOA_NS}</pdfaSchema:namespaceURI>`,
    '    <pdfaSchema:prefix>sohoa</pdfaSchema:prefix>',
    '    <pdfaSchema:property><rdf:Seq>',
    ...names.map(property),
    '    </rdf:Seq></pdfaSchema:property>',
    '   </rdf:li></rdf:Bag></pdfaExtension:schemas>',
    '  </rdf:Description>',
  ];
}

/** The one way keywords become a single string, shared by the Info dictionary and pdf:Keywords. */
export function joinKeywords(keywords: readonly string[]): string {
  return keywords.join('; ');
}

/** ISO 8601 in UTC at whole seconds, the precision of a PDF date string. */
export function xmpDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function langAlt(text: string): string {
  return `<rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(text)}</rdf:li></rdf:Alt>`;
}

/** Escapes markup and drops characters XML 1.0 forbids, which would make the whole packet unreadable. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
