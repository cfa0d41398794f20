// The schema validator the export tests lean on: the vendored ALTO, METS and PREMIS XSDs accept a valid document and reject broken ones, offline.
import { describe, expect, it } from 'vitest';
import { expectSchemaValid, schemaErrors } from '../../support/xml-schema.ts';

const sha256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

const alto = `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/standards/alto/v4/alto-4-4.xsd">
  <Description>
    <MeasurementUnit>pixel</MeasurementUnit>
    <sourceImageInformation>
      <fileName>HS-001/QD-15/page-001.png</fileName>
    </sourceImageInformation>
    <Processing ID="ocr">
      <processingDateTime>2024-03-05T08:00:00Z</processingDateTime>
      <processingStepDescription>OCR</processingStepDescription>
      <processingSoftware>
        <softwareName>tesseract.js</softwareName>
        <softwareVersion>7.0.0</softwareVersion>
      </processingSoftware>
    </Processing>
  </Description>
  <Layout>
    <Page ID="page-1" PHYSICAL_IMG_NR="1" HEIGHT="3508" WIDTH="2480" PROCESSINGREFS="ocr">
      <PrintSpace HPOS="0" VPOS="0" HEIGHT="3508" WIDTH="2480">
        <TextBlock ID="block-1" HPOS="200" VPOS="300" HEIGHT="60" WIDTH="500" LANG="vi">
          <TextLine ID="line-1" HPOS="200" VPOS="300" HEIGHT="60" WIDTH="500">
            <String ID="word-1" CONTENT="Quyết" HPOS="200" VPOS="300" HEIGHT="60" WIDTH="220" WC="0.91" LANG="vi"/>
            <SP HPOS="420" VPOS="300" WIDTH="30"/>
            <String ID="word-2" CONTENT="định" HPOS="450" VPOS="300" HEIGHT="60" WIDTH="250" WC="0.87" LANG="vi"/>
          </TextLine>
        </TextBlock>
      </PrintSpace>
    </Page>
  </Layout>
</alto>
`;

const premisEvent = `<premis:event>
              <premis:eventIdentifier>
                <premis:eventIdentifierType>local</premis:eventIdentifierType>
                <premis:eventIdentifierValue>event-1</premis:eventIdentifierValue>
              </premis:eventIdentifier>
              <premis:eventType>creation</premis:eventType>
              <premis:eventDateTime>2024-03-05T08:00:00Z</premis:eventDateTime>
              <premis:eventOutcomeInformation>
                <premis:eventOutcome>success</premis:eventOutcome>
              </premis:eventOutcomeInformation>
              <premis:linkingAgentIdentifier>
                <premis:linkingAgentIdentifierType>local</premis:linkingAgentIdentifierType>
                <premis:linkingAgentIdentifierValue>sohoa-0.1.0</premis:linkingAgentIdentifierValue>
                <premis:linkingAgentRole>executing program</premis:linkingAgentRole>
              </premis:linkingAgentIdentifier>
              <premis:linkingObjectIdentifier>
                <premis:linkingObjectIdentifierType>local</premis:linkingObjectIdentifierType>
                <premis:linkingObjectIdentifierValue>QD-15.pdf</premis:linkingObjectIdentifierValue>
                <premis:linkingObjectRole>outcome</premis:linkingObjectRole>
              </premis:linkingObjectIdentifier>
            </premis:event>`;

const premisObject = `<premis:object xsi:type="premis:file">
              <premis:objectIdentifier>
                <premis:objectIdentifierType>local</premis:objectIdentifierType>
                <premis:objectIdentifierValue>QD-15.pdf</premis:objectIdentifierValue>
              </premis:objectIdentifier>
              <premis:objectCharacteristics>
                <premis:fixity>
                  <premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm>
                  <premis:messageDigest>${sha256}</premis:messageDigest>
                </premis:fixity>
                <premis:size>48213</premis:size>
                <premis:format>
                  <premis:formatDesignation>
                    <premis:formatName>PDF/A</premis:formatName>
                    <premis:formatVersion>2b</premis:formatVersion>
                  </premis:formatDesignation>
                </premis:format>
              </premis:objectCharacteristics>
            </premis:object>`;

const mets = `<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:premis="http://www.loc.gov/premis/v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  OBJID="HS-001" TYPE="dossier" LABEL="Hồ sơ khen thưởng">
  <mets:metsHdr CREATEDATE="2024-03-05T08:00:00Z" RECORDSTATUS="complete">
    <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">
      <mets:name>sohoa 0.1.0</mets:name>
    </mets:agent>
  </mets:metsHdr>
  <mets:dmdSec ID="dmd-dossier">
    <mets:mdRef LOCTYPE="URL" MDTYPE="OTHER" OTHERMDTYPE="Appendix VI" MIMETYPE="application/xml"
      xlink:href="HS-001.xml" SIZE="2048" CHECKSUM="${sha256}" CHECKSUMTYPE="SHA-256"/>
  </mets:dmdSec>
  <mets:amdSec ID="amd-dossier">
    <mets:digiprovMD ID="premis-dossier">
      <mets:mdWrap MDTYPE="PREMIS" MDTYPEVERSION="3.0">
        <mets:xmlData>
          <premis:premis version="3.0">
            ${premisObject}
            ${premisEvent}
            <premis:agent>
              <premis:agentIdentifier>
                <premis:agentIdentifierType>local</premis:agentIdentifierType>
                <premis:agentIdentifierValue>sohoa-0.1.0</premis:agentIdentifierValue>
              </premis:agentIdentifier>
              <premis:agentName>sohoa</premis:agentName>
              <premis:agentType>software</premis:agentType>
              <premis:agentVersion>0.1.0</premis:agentVersion>
            </premis:agent>
          </premis:premis>
        </mets:xmlData>
      </mets:mdWrap>
    </mets:digiprovMD>
  </mets:amdSec>
  <mets:fileSec>
    <mets:fileGrp USE="archival">
      <mets:file ID="file-QD-15" MIMETYPE="application/pdf" SIZE="48213" CHECKSUM="${sha256}" CHECKSUMTYPE="SHA-256" ADMID="premis-dossier">
        <mets:FLocat LOCTYPE="URL" xlink:href="QD-15.pdf"/>
      </mets:file>
    </mets:fileGrp>
  </mets:fileSec>
  <mets:structMap TYPE="logical">
    <mets:div TYPE="dossier" LABEL="HS-001" DMDID="dmd-dossier">
      <mets:div TYPE="document" LABEL="QD-15" ORDER="1">
        <mets:fptr FILEID="file-QD-15"/>
      </mets:div>
    </mets:div>
  </mets:structMap>
</mets:mets>
`;

/** The document with one piece changed; throws when the piece is not there, so no test breaks a document it never built. */
function variant(xml: string, from: string | RegExp, to: string): string {
  const changed = xml.replace(from, to);
  if (changed === xml) throw new Error(`variant: ${String(from)} is not in the document`);
  return changed;
}

/** The 1-based line on which `text` first appears, to check that errors point at it. */
function lineOf(xml: string, text: string): number {
  return xml.slice(0, xml.indexOf(text)).split('\n').length;
}

describe('ALTO 4.4', () => {
  it('accepts a page with a block, a line, two words and a space', async () => {
    expect(await schemaErrors(alto, 'alto')).toEqual([]);
    await expectSchemaValid(alto, 'alto');
  });

  it('rejects a String without CONTENT, naming its line', async () => {
    const broken = variant(alto, 'CONTENT="định" ', '');
    const errors = await schemaErrors(broken, 'alto');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^line ${lineOf(broken, 'ID="word-2"')}: .*String.*The attribute 'CONTENT' is required`));
  });

  it('rejects a word confidence above 1', async () => {
    const errors = await schemaErrors(variant(alto, 'WC="0.91"', 'WC="1.5"'), 'alto');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/attribute 'WC'.*'1\.5' is greater than the maximum value allowed/);
  });

  it('reports a document that is not well-formed instead of throwing', async () => {
    const errors = await schemaErrors(variant(alto, '</TextLine>', ''), 'alto');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => /^line \d+: /.test(error))).toBe(true);
    expect(errors.join('\n')).toMatch(/parser error/);
  });
});

describe('METS 1.12.1 with PREMIS 3.0 in xmlData', () => {
  it('accepts a dossier with a header, descriptive and provenance metadata, a file and a structure map', async () => {
    expect(await schemaErrors(mets, 'mets')).toEqual([]);
  });

  it('validates the PREMIS inside xmlData: an event without eventType is rejected', async () => {
    const broken = variant(mets, '<premis:eventType>creation</premis:eventType>', '');
    const errors = await schemaErrors(broken, 'mets');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/premis\/v3\}eventDateTime': This element is not expected\. Expected is \( \{http:\/\/www\.loc\.gov\/premis\/v3\}eventType \)/);
  });

  it('validates the PREMIS inside xmlData: an unknown element in a file object is rejected', async () => {
    const broken = variant(mets, '<premis:objectCharacteristics>', '<premis:colour>red</premis:colour>\n<premis:objectCharacteristics>');
    const errors = await schemaErrors(broken, 'mets');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^line ${lineOf(broken, '<premis:colour>')}: .*premis/v3\\}colour': This element is not expected`));
  });

  it('validates the PREMIS inside xmlData: a premis:premis without version is rejected', async () => {
    const errors = await schemaErrors(variant(mets, '<premis:premis version="3.0">', '<premis:premis>'), 'mets');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/premis\/v3\}premis': The attribute 'version' is required/);
  });

  it('rejects a METS document without a structMap', async () => {
    const broken = variant(mets, /<mets:structMap[\s\S]*<\/mets:structMap>\n/, '');
    const errors = await schemaErrors(broken, 'mets');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Element '\{http:\/\/www\.loc\.gov\/METS\/\}mets': Missing child element\(s\)\. Expected is .*structMap/);
  });

  it('rejects a checksum type METS does not list', async () => {
    const errors = await schemaErrors(variant(mets, 'CHECKSUM="' + sha256 + '" CHECKSUMTYPE="SHA-256"/>', `CHECKSUM="${sha256}" CHECKSUMTYPE="SHA256"/>`), 'mets');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/attribute 'CHECKSUMTYPE'.*'SHA256' is not an element of the set/);
  });

  it('throws an error listing every problem from expectSchemaValid', async () => {
    const broken = variant(variant(mets, '<premis:eventType>creation</premis:eventType>', ''), /<mets:structMap[\s\S]*<\/mets:structMap>\n/, '');
    const thrown = await expectSchemaValid(broken, 'mets').then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(thrown?.message).toMatch(/^expected the document to be valid against the mets schema \(mets-premis\.xsd\) but it has 2 error\(s\):/);
    expect(thrown?.message).toMatch(/eventType/);
    expect(thrown?.message).toMatch(/structMap/);
  });
});

describe('PREMIS 3.0 on its own', () => {
  const premis = (body: string) =>
    `<premis:premis xmlns:premis="http://www.loc.gov/premis/v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0">\n${body}\n</premis:premis>\n`;

  it('accepts a file object with an event', async () => {
    expect(await schemaErrors(premis(`${premisObject}\n${premisEvent}`), 'premis')).toEqual([]);
  });

  it('rejects an object without xsi:type, since objectComplexType is abstract', async () => {
    const errors = await schemaErrors(premis(variant(premisObject, ' xsi:type="premis:file"', '')), 'premis');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/abstract/);
  });
});
