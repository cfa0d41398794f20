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
    '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    '   <dc:format>application/pdf</dc:format>',
    `   <dc:title>${langAlt(fields.title)}</dc:title>`,
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
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ];
  return lines.join('\n');
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
