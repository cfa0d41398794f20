// The ALTO 4.4 file of a document: every page's words with their boxes and confidences, in pixels of the page images.
import { engineSummary, pageLayout, xmlText, type LayoutLine, type PixelBox, type TextDocument, type TextPage } from './text-layout.ts';

type TextSource = TextPage['textSource'];

const ROOT =
  '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/standards/alto/v4/alto-4-4.xsd" SCHEMAVERSION="4.4">';

/** The Processing element of each text source; each Page points at its own with PROCESSING (an IDREF). */
const PROCESSING_ID: Record<TextSource, string> = { ocr: 'OCR', 'pdf-text': 'PDFTEXT' };

/**
 * The file is stored beside every PDF and its bytes count, so it is written flat: one element a line, no indentation,
 * no attribute a reader could work out from the others: an SP's box is the gap between its two Strings, and a String
 * needs no ID (the XSD makes it optional; it is its TextLine's n-th), which would be a sixth of each word's bytes.
 * IDs are P<page>, P<page>_B<block> and P<page>_L<line>, numbered on the page as the hOCR's are. The same document
 * gives the same bytes: the date is the records' date and nothing is read from the clock.
 */
export function buildAlto(doc: TextDocument): string {
  if (doc.pages.length === 0) {
    throw new Error(`ALTO of document ${doc.documentId} (dossier ${doc.dossierId}): the document has no pages, and ALTO's Layout needs at least one Page; build the ALTO only for a document with pages`);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', ROOT, ...description(doc), '<Layout>', ...doc.pages.flatMap((page) => pageXml(page, doc.language)), '</Layout>', '</alto>'];
  return `${lines.join('\n')}\n`;
}

function description(doc: TextDocument): string[] {
  const sources = (['ocr', 'pdf-text'] as const).filter((source) => doc.pages.some((page) => page.textSource === source));
  return ['<Description>', '<MeasurementUnit>pixel</MeasurementUnit>', ...sourceImageInformation(doc), ...sources.flatMap((source) => processing(doc, source)), '</Description>'];
}

/**
 * fileName holds one name (the XSD allows it once), the first page's file. A document made of pages of several files
 * also names each of them, in page order, as a fileIdentifier (which may repeat); their paths are unique within the
 * batch, which fileIdentifierLocation names. documentIdentifier says which record this text belongs to.
 */
function sourceImageInformation(doc: TextDocument): string[] {
  const files = [...new Set(doc.pages.map((page) => page.file))];
  const identifiers = files.length > 1 ? files.map((file) => `<fileIdentifier fileIdentifierLocation="${xmlText(doc.batchId)}">${xmlText(file)}</fileIdentifier>`) : [];
  return [
    '<sourceImageInformation>',
    `<fileName>${xmlText(files[0]!)}</fileName>`,
    ...identifiers,
    `<documentIdentifier>${xmlText(`${doc.batchId}/${doc.dossierId}/${doc.documentId}`)}</documentIdentifier>`,
    '</sourceImageInformation>',
  ];
}

/** How the text of the pages of one source was made; the pipeline and its hash are the settings to make it again. */
function processing(doc: TextDocument, source: TextSource): string[] {
  const { software, engine, pipeline, date } = doc.processing;
  const step = source === 'ocr' ? `OCR: ${engineSummary(engine)}` : "text kept from the input PDF's own text layer, not OCR";
  return [
    `<Processing ID="${PROCESSING_ID[source]}">`,
    '<processingCategory>contentGeneration</processingCategory>',
    `<processingDateTime>${isoDateTime(date, doc.documentId)}</processingDateTime>`,
    `<processingStepDescription>${xmlText(step)}</processingStepDescription>`,
    `<processingStepSettings>${xmlText(`pipeline ${pipeline.name} (sha256 ${pipeline.sha256})`)}</processingStepSettings>`,
    '<processingSoftware>',
    `<softwareName>${xmlText(software.name)}</softwareName>`,
    `<softwareVersion>${xmlText(software.version)}</softwareVersion>`,
    ...(source === 'ocr' ? [`<applicationDescription>${xmlText(`uses the OCR engine ${engineSummary(engine)}`)}</applicationDescription>`] : []),
    '</processingSoftware>',
    '</Processing>',
  ];
}

function isoDateTime(date: Date, documentId: string): string {
  if (Number.isNaN(date.getTime())) throw new Error(`ALTO of document ${documentId}: processing.date is not a valid date; pass the records' date (the document record's createdAt)`);
  return date.toISOString();
}

/** A page with no words keeps its Page and an empty PrintSpace (the XSD allows a PrintSpace with no block). */
function pageXml(page: TextPage, language: string): string[] {
  const n = page.pageNumber;
  const size = `WIDTH="${page.widthPx}" HEIGHT="${page.heightPx}"`;
  const blocks = pageLayout(page).blocks;
  // Text kept from a PDF was not recognized: its words carry no confidence worth a WC.
  const withConfidence = page.textSource === 'ocr';
  return [
    `<Page ID="P${n}" PHYSICAL_IMG_NR="${n}" ${size} PROCESSING="${PROCESSING_ID[page.textSource]}">`,
    ...(blocks.length === 0
      ? [`<PrintSpace HPOS="0" VPOS="0" ${size}/>`]
      : [
          `<PrintSpace HPOS="0" VPOS="0" ${size}>`,
          ...blocks.flatMap((block) => [
            `<TextBlock ID="P${n}_B${block.number}" ${boxAttributes(block.box)} LANG="${xmlText(language)}">`,
            ...block.lines.flatMap((line) => lineXml(line, n, withConfidence)),
            '</TextBlock>',
          ]),
          '</PrintSpace>',
        ]),
    '</Page>',
  ];
}

/** A String a line, an SP after each but the last (the XSD's String, SP? sequence). */
function lineXml(line: LayoutLine, pageNumber: number, withConfidence: boolean): string[] {
  const last = line.words.length - 1;
  return [
    `<TextLine ID="P${pageNumber}_L${line.number}" ${boxAttributes(line.box)}>`,
    ...line.words.map((word, index) => {
      const wc = withConfidence ? ` WC="${word.wc}"` : '';
      return `<String CONTENT="${xmlText(word.text)}" ${boxAttributes(word.box)}${wc}/>${index < last ? '<SP/>' : ''}`;
    }),
    '</TextLine>',
  ];
}

function boxAttributes(box: PixelBox): string {
  return `HPOS="${box.hpos}" VPOS="${box.vpos}" WIDTH="${box.width}" HEIGHT="${box.height}"`;
}
