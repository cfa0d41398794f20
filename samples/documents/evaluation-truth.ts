// The shape of samples/documents/ground-truth.json and how a document spec yields its expected fields.
import type { Block, Signature } from '../render/layout.ts';
import type { DocumentSpec } from './document-specs.ts';
import type { QrForm } from './qr-content.ts';

/** The fields an extractor should read off the page; absent when the page does not print them. */
export interface ExpectedFields {
  documentType: string;
  number?: string;
  symbol?: string;
  issueDate?: string;
  place?: string;
  issuer: string;
  issuerParent?: string;
  subject?: string;
  signingCapacity?: SigningCapacity;
  signerTitle: string;
  signer: string;
  secrecy?: 'mat' | 'toi-mat' | 'tuyet-mat';
  urgency?: 'khan' | 'thuong-khan' | 'hoa-toc';
}

export type SigningCapacity = 'TM' | 'KT' | 'TL' | 'TUQ' | 'Q';

export interface ExpectedQr {
  /** The exact string encoded. */
  text: string;
  format: QrForm;
  /** Side of one module in the file's pixels (fractional after resampling). */
  moduleSizePx: number;
  /** Resolution of the file the symbol is in. */
  dpi: number;
  version: number;
  errorCorrectionLevel: 'M';
  /** True from 200 dpi up: the promise is that every such QR decodes; below it the set only measures. */
  mustDecode: boolean;
  fields: Record<string, string>;
}

export interface EvaluationDocument {
  id: string;
  variant: 'clean' | 'degraded';
  /** The clean id a degraded page derives from. */
  of?: string;
  kind: 'component' | 'result';
  /** Relative to samples/documents/. */
  file: string;
  dpi: number;
  conditions: string[];
  fields: ExpectedFields;
  qr: ExpectedQr | null;
  /** Printed text, NFC, one visual line per line (rows top to bottom, a row's left column first). */
  text: string;
}

export interface EvaluationTruth {
  version: 1;
  documents: EvaluationDocument[];
}

const markCodes: Record<string, { secrecy?: ExpectedFields['secrecy']; urgency?: ExpectedFields['urgency'] }> = {
  MẬT: { secrecy: 'mat' },
  'TỐI MẬT': { secrecy: 'toi-mat' },
  'TUYỆT MẬT': { secrecy: 'tuyet-mat' },
  KHẨN: { urgency: 'khan' },
  'THƯỢNG KHẨN': { urgency: 'thuong-khan' },
  'HỎA TỐC': { urgency: 'hoa-toc' },
};

const capacityPrefix = /^(TM|KT|TL|TUQ|Q)\. /;

/** The competent signer: the only signing block, or the right-hand one where there are two (form 1.9). */
function signerOf(blocks: readonly Block[]): Signature {
  for (const block of blocks) {
    if (block.kind === 'closing') return block.signature;
    if (block.kind === 'twoSignatures') return block.right;
  }
  throw new Error('a document needs a signing block');
}

/** `12/2024` and `QĐ-UBND` from `12/2024/QĐ-UBND`: the symbol follows the last slash. */
export function splitNumberSymbol(numberSymbol: string): { number: string; symbol: string } {
  const at = numberSymbol.lastIndexOf('/');
  if (at <= 0) throw new Error(`expected "<number>/<symbol>" but received "${numberSymbol}"`);
  return { number: numberSymbol.slice(0, at), symbol: numberSymbol.slice(at + 1) };
}

/** What the page prints, field by field, following the conventions in samples/README.md. */
export function expectedFields(doc: DocumentSpec): ExpectedFields {
  const lh = doc.letterhead;
  const numberSymbol = lh.number ?? doc.printedNumber;
  const subjectBlock = doc.blocks.find((b) => b.kind === 'subject');
  const subject = lh.vv ? lh.vv.join(' ').replace(/^V\/v /, '') : subjectBlock?.kind === 'subject' ? subjectBlock.lines.join(' ') : undefined;
  const signature = signerOf(doc.blocks);
  const prefixed = [...signature.capacity].reverse().find((l) => capacityPrefix.test(l));
  const lastLine = signature.capacity.at(-1);
  if (lastLine === undefined) throw new Error(`${doc.id}: the signing block has no title line`);
  const marks = Object.assign({}, ...(lh.marks ?? []).map((m) => {
    const code = markCodes[m];
    if (!code) throw new Error(`${doc.id}: unknown mark "${m}"`);
    return code;
  })) as { secrecy?: ExpectedFields['secrecy']; urgency?: ExpectedFields['urgency'] };
  const fields: ExpectedFields = {
    documentType: doc.documentType,
    ...(numberSymbol !== undefined && splitNumberSymbol(numberSymbol)),
    ...(lh.issueDate !== undefined && { issueDate: lh.issueDate }),
    ...(lh.place !== undefined && { place: lh.place }),
    issuer: lh.agency.join(' '),
    ...(lh.parent !== undefined && { issuerParent: lh.parent }),
    ...(subject !== undefined && { subject }),
    ...(prefixed !== undefined && { signingCapacity: capacityPrefix.exec(prefixed)![1] as SigningCapacity }),
    signerTitle: lastLine.replace(capacityPrefix, ''),
    signer: signature.name,
    ...marks,
  };
  return JSON.parse(JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'string' ? value.normalize('NFC') : value))) as ExpectedFields;
}
