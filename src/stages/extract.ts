// Extract stage: a document's metadata from the manifest, its QR codes and its text, each value with its source.
import { lexicon } from '../extract/lexicon.ts';
import type { DocumentPlan } from '../domain/batch.ts';
import { foldVietnamese } from '../domain/metadata/fold-vietnamese.ts';
import { deriveFields, resolveFields, type FieldCandidate, type FieldConflict, type FieldValue } from '../domain/metadata/model.ts';
import type { Box, NormalizedPage, PageCode, RecognizedPage } from '../domain/page.ts';
import type { QrRecord } from '../domain/record.ts';
import { extractFields } from '../extract/extract-fields.ts';
import { decodeQrCodes, decodeQrCodesInFile, qrAttemptsFor } from '../qr/decode-qr.ts';
import { toGray, type RawImage } from '../image/raw-image.ts';
import { parseQrContent } from '../qr/qr-content.ts';
import type { PdfSignature } from '../pdf/pdf-signatures.ts';
import { z } from 'zod';
import { bool } from '../common/validation.ts';
import type { Stage } from './stage.ts';

export const extractOptions = z
  .object({
    qr: bool().default(true).describe('Find and decode QR codes (Circular 01/2023 puts one on documents from procedure systems) on every page'),
    fields: bool().default(true).describe('Read number and symbol, date, issuer, type, subject, signing block and marks from the OCR words'),
  })
  .strict();

export type ExtractOptions = z.output<typeof extractOptions>;

export interface DocumentMetadata {
  fields: Record<string, FieldValue>;
  /** Values two sources disagree on; the chosen one is in `fields`, both are here for a person to review. */
  conflicts: FieldConflict[];
  qrCodes: QrRecord[];
  /** Dossier-level values read from this document's QR codes (dossier code, procedure code, owner). */
  dossierCandidates: FieldCandidate[];
}

/** Keys a QR code carries that describe the dossier rather than the document. */
export const dossierLevelQrKeys: ReadonlySet<string> = new Set(['code', 'procedureCode', 'ownerId']);

/**
 * The page part of the stage: finds the QR codes on one page. It runs while the page is recognized, so the
 * decoder's time overlaps OCR instead of adding to the document's. First pages, where the code is printed, are
 * searched harder than the others (see `qrAttemptsFor`).
 */
export async function findPageCodes(page: NormalizedPage, upright?: RawImage): Promise<PageCode[]> {
  const attempts = qrAttemptsFor({ dpi: page.dpi, firstOfDocument: page.ref.pageNumber === 1 });
  // The page as normalize decoded it, when it is still in memory: the PDF image need not be decoded again.
  if (upright === undefined) return decodeQrCodesInFile(page.pdfImagePath, attempts);
  const gray = await toGray(upright);
  return decodeQrCodes({ data: gray.data, widthPx: gray.widthPx, heightPx: gray.heightPx }, attempts);
}

/**
 * Gathers every candidate value, then settles them: manifest over QR over OCR over derived, with each
 * disagreement kept as a conflict. Pages are in document order, upright, with their codes found.
 */
export async function extractDocumentMetadata(
  document: DocumentPlan,
  pages: readonly RecognizedPage[],
  options: ExtractOptions & { language: string; signatures?: readonly PdfSignature[] },
): Promise<DocumentMetadata> {
  const candidates: FieldCandidate[] = manifestCandidates(document.metadata);
  const qrCodes: QrRecord[] = [];
  const dossierCandidates: FieldCandidate[] = [];

  if (options.qr) {
    for (const page of pages) {
      for (const code of page.codes ?? []) {
        const parsed = parseQrContent(code.text);
        qrCodes.push({ pageNumber: page.ref.pageNumber, box: code.box, format: parsed.format, text: code.text, unrecognised: parsed.unrecognised, problems: parsed.problems });
        for (const [key, value] of Object.entries(parsed.fields)) {
          if (value === undefined || value === '') continue;
          const candidate: FieldCandidate = { key, value, source: 'qr', pageNumber: page.ref.pageNumber, box: code.box, confidence: 100 };
          (dossierLevelQrKeys.has(key) ? dossierCandidates : candidates).push(candidate);
        }
      }
    }
  }

  if (options.fields) {
    const read = extractFields(pages.map((page) => ({ pageNumber: page.ref.pageNumber, widthPx: page.ocrWidthPx, heightPx: page.ocrHeightPx, dpi: page.ocrDpi, words: page.words })));
    for (const field of read) {
      const page = pages.find((p) => p.ref.pageNumber === field.pageNumber);
      candidates.push({
        key: field.key,
        value: field.value,
        source: 'ocr',
        pageNumber: field.pageNumber,
        box: page ? toPagePixels(field.box, page) : field.box,
        confidence: Math.round(field.confidence * 10) / 10,
        ...(field.tolerant ? { tolerant: true } : {}),
        ...(field.corrections ? { corrections: field.corrections } : {}),
        ...(field.partial ? { partial: field.partial } : {}),
      });
    }
  }

  candidates.push(...signatureCandidates(options.signatures ?? []));
  candidates.push({ key: 'language', value: options.language, source: 'derived' });
  const { fields, conflicts } = resolveFields(candidates);
  conflicts.push(...issuedAfterSigning(fields['issueDate'], options.signatures ?? []));
  return { fields: deriveFields('document', fields, { pageCount: pages.length }), conflicts, qrCodes, dossierCandidates };
}

/** The words an agency's name opens with, folded: a certificate naming a person is never taken for the issuer. */
const agencyOpeners = ['uy ban', 'ubnd', 'hoi dong', 'so ', 'phong ', 'van phong', 'bo ', 'cuc ', 'chi cuc', 'tong cuc', 'ban ', 'truong ', 'trung tam', 'vien ', 'toa an', 'cong an', 'benh vien', 'kho bac', 'thanh tra', 'chinh phu', 'tinh uy', 'huyen uy', 'dang uy'];

export function looksLikeAgency(name: string): boolean {
  const folded = `${foldVietnamese(name).toLowerCase().replace(/\s+/gu, ' ').trim()} `;
  return agencyOpeners.some((opener) => folded.startsWith(opener));
}

/**
 * What valid signatures vouch for. Vietnamese agency certificates name the agency as their common name and its
 * parent as their organization ("SỞ NỘI VỤ" of "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG"); an official's certificate names
 * the person, with the agency as its organizational unit. So the issuer is an agency certificate's common name (else
 * an official's unit), its parent the organization, and the signer an official's name. The first agency seal
 * decides: a portal that signs the copy it publishes signs after the issuer, and the page's own heading outranks
 * every signature anyway (see `fieldSources`). A signature that does not match its file vouches for nothing.
 */
export function signatureCandidates(signatures: readonly PdfSignature[]): FieldCandidate[] {
  // In signing order: a file lists its signature fields in any order, and the first seal is the issuer's.
  const valid = signatures
    .filter((s) => s.digestValid !== false && s.signatureValid !== false)
    .sort((a, b) => (a.signingTime ?? '\uffff').localeCompare(b.signingTime ?? '\uffff'));
  const agencySeal = valid.find((s) => s.signer.commonName !== undefined && looksLikeAgency(s.signer.commonName));
  const official = valid.find((s) => s.signer.commonName !== undefined && looksLikePersonName(s.signer.commonName));
  const agency = agencySeal?.signer.commonName ?? [official?.signer.organizationalUnit, official?.signer.organization].find((name) => name !== undefined && looksLikeAgency(name));
  const parent = (agencySeal ?? official)?.signer.organization;
  const candidates: FieldCandidate[] = [];
  if (agency) candidates.push({ key: 'issuer', value: agency, source: 'signature' });
  if (agency && parent && parent !== agency && looksLikeAgency(parent)) candidates.push({ key: 'issuerParent', value: parent, source: 'signature' });
  if (official?.signer.commonName) candidates.push({ key: 'signer', value: official.signer.commonName, source: 'signature' });
  return candidates;
}

/** A person's full name: two to five words, the first a Vietnamese family name, none of them an agency's. */
export function looksLikePersonName(name: string): boolean {
  const words = name.normalize('NFC').trim().split(/\s+/u);
  if (words.length < 2 || words.length > 5 || looksLikeAgency(name)) return false;
  const family = foldVietnamese(words[0]!).toLowerCase();
  return lexicon().names.familyNames.some((known) => foldVietnamese(known).toLowerCase() === family);
}

/** A document is not issued after it is signed: an issue date later than the earliest signing day is a conflict. */
export function issuedAfterSigning(issueDate: FieldValue | undefined, signatures: readonly PdfSignature[]): FieldConflict[] {
  const days = signatures.flatMap((s) => (s.signingTime && s.digestValid !== false ? [vietnamDay(s.signingTime)] : [])).sort();
  const signed = days[0];
  if (!issueDate || !signed || issueDate.value <= signed) return [];
  const other: FieldValue = { value: signed, source: 'signature' };
  const where = issueDate.pageNumber !== undefined ? ` on page ${issueDate.pageNumber}` : '';
  return [
    {
      key: 'issueDate',
      chosen: issueDate,
      other,
      message: `issueDate: ${issueDate.source === 'ocr' ? 'OCR read' : `the ${issueDate.source} gives`} "${issueDate.value}"${where} but the document was digitally signed on ${signed}, and a document is not issued after it is signed; review it`,
    },
  ];
}

/** The calendar day in Vietnam (UTC+7, no daylight saving) of an instant. */
function vietnamDay(iso: string): string {
  return new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function manifestCandidates(metadata: Readonly<Record<string, string>>): FieldCandidate[] {
  return Object.entries(metadata)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => ({ key, value, source: 'manifest' as const }));
}

/** Word boxes are in OCR-image pixels; records and QR boxes use the page image's pixels. */
function toPagePixels(box: Box, page: RecognizedPage): Box {
  const scaleX = page.widthPx / page.ocrWidthPx;
  const scaleY = page.heightPx / page.ocrHeightPx;
  const round = (v: number) => Math.round(v);
  return { x0: round(box.x0 * scaleX), y0: round(box.y0 * scaleY), x1: round(box.x1 * scaleX), y1: round(box.y1 * scaleY) };
}

/** What the extract stage reads: a document's recognized pages, in order, and its PDFs' signatures. */
export interface ExtractInput {
  document: DocumentPlan;
  pages: readonly RecognizedPage[];
  /** The record's language (`vi` when the pipeline reads Vietnamese). */
  language: string;
  signatures?: readonly PdfSignature[];
}

export const extractStage: Stage<'extract', typeof extractOptions, ExtractInput, DocumentMetadata> = {
  name: 'extract',
  description: "Settles a document's metadata from its manifest entry, its QR codes, its signatures and its text",
  options: extractOptions,
  run: (input, ctx) =>
    extractDocumentMetadata(input.document, input.pages, { ...ctx.options, language: input.language, ...(input.signatures ? { signatures: input.signatures } : {}) }),
};
