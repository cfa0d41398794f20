// Checks the XMP packet: PDF/A identification, escaping, and dates at the precision of the Info dictionary.
import { describe, expect, it } from 'vitest';
import { buildXmp, escapeXml, SOHOA_NS, xmpDate } from '../../../src/pdf/xmp.ts';

describe('buildXmp', () => {
  const base = {
    title: 'Hồ sơ <số 1> & "bản sao"',
    identifier: 'HS-1',
    language: 'vi',
    createdAt: new Date('2024-01-02T03:04:05.678Z'),
    modifiedAt: new Date('2024-01-02T03:04:05.678Z'),
    producer: 'sohoa 0.1.0',
    creatorTool: 'sohoa 0.1.0',
    pdfaPart: 2 as const,
    pdfaConformance: 'B' as const,
  };

  it('claims PDF/A-2b and escapes markup in values', () => {
    const xmp = buildXmp(base);
    expect(xmp.startsWith('<?xpacket begin="\uFEFF"')).toBe(true);
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain('Hồ sơ &lt;số 1&gt; &amp; &quot;bản sao&quot;');
    expect(xmp).toContain('<xmp:ModifyDate>2024-01-02T03:04:05Z</xmp:ModifyDate>');
    expect(xmp).not.toContain('dc:description');
    expect(xmp).not.toContain('pdf:Keywords');
  });

  it('writes subject and keywords when given', () => {
    const xmp = buildXmp({ ...base, subject: 'Chứng thực', keywords: ['a b', 'c'] });
    expect(xmp).toContain('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Chứng thực</rdf:li></rdf:Alt></dc:description>');
    expect(xmp).toContain('<dc:subject><rdf:Bag><rdf:li>a b</rdf:li><rdf:li>c</rdf:li></rdf:Bag></dc:subject>');
    expect(xmp).toContain('<pdf:Keywords>a b; c</pdf:Keywords>');
  });
});

describe('escapeXml and xmpDate', () => {
  it('drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml('a\u0001b\u000Bc\td')).toBe('abc\td');
  });

  it('formats UTC at whole seconds', () => {
    expect(xmpDate(new Date('1999-12-31T23:59:59.999Z'))).toBe('1999-12-31T23:59:59Z');
  });
});

describe('buildXmp with records metadata', () => {
  const base = {
    title: 'Quyết định',
    identifier: 'B/HS/QD-15',
    language: 'vi',
    createdAt: new Date('2024-01-02T03:04:05Z'),
    modifiedAt: new Date('2024-01-02T03:04:05Z'),
    producer: 'sohoa 0.1.0',
    creatorTool: 'sohoa 0.1.0',
    pdfaPart: 2 as const,
    pdfaConformance: 'B' as const,
  };

  it('writes Dublin Core creator, type and date, and declares every sohoa property it uses', () => {
    const xmp = buildXmp({ ...base, creator: 'Ủy ban nhân dân tỉnh Lào Cai', type: 'Quyết định', date: '2024-03-05', sohoa: { documentSymbol: 'QĐ-UBND', procedureCode: '1.000466' } });
    expect(xmp).toContain('<dc:creator><rdf:Seq><rdf:li>Ủy ban nhân dân tỉnh Lào Cai</rdf:li></rdf:Seq></dc:creator>');
    expect(xmp).toContain('<dc:type><rdf:Bag><rdf:li>Quyết định</rdf:li></rdf:Bag></dc:type>');
    expect(xmp).toContain('<dc:date><rdf:Seq><rdf:li>2024-03-05</rdf:li></rdf:Seq></dc:date>');
    expect(xmp).toContain(`xmlns:sohoa="${SOHOA_NS}"`);
    expect(xmp).toContain('<sohoa:documentSymbol>QĐ-UBND</sohoa:documentSymbol>');
    // PDF/A-2: the extension schema names the namespace and exactly the properties used.
    expect(xmp).toContain(`<pdfaSchema:namespaceURI>${SOHOA_NS}</pdfaSchema:namespaceURI>`);
    expect([...xmp.matchAll(/<pdfaProperty:name>(\w+)<\/pdfaProperty:name>/g)].map((m) => m[1])).toEqual(['documentSymbol', 'procedureCode']);
  });

  it('writes no extension schema when there is no sohoa property, and refuses an undeclared one', () => {
    expect(buildXmp(base)).not.toContain('pdfaExtension');
    expect(() => buildXmp({ ...base, sohoa: { madeUp: 'x' } })).toThrow(/sohoa:madeUp is not declared/);
  });
});
