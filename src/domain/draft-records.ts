// A document's record as drafted from what its run found, before storage adds its outputs: a pure builder.
import { documentRecordSchema, type DocumentRecord, type PageRecord, type ProvenanceRecord, type SignatureRecord, type SourceFileRecord } from './record.ts';

export interface DocumentDraftInput {
  ids: { batchId: string; dossierId: string; documentId: string };
  title: string | undefined;
  metadata: { fields: DocumentRecord['metadata']; conflicts: DocumentRecord['conflicts']; qrCodes: DocumentRecord['qrCodes'] };
  assembled: { pages: PageRecord[]; meanConfidence: number; warnings: string[] };
  sources: SourceFileRecord[];
  provenance: ProvenanceRecord;
  signatures: SignatureRecord[];
  signatureWarnings: string[];
  createdAt: Date;
}

/** A document's record; its key order is part of the published bytes, so it stays as written here. */
export function draftDocumentRecord(input: DocumentDraftInput): Omit<DocumentRecord, 'outputs'> {
  const { ids, metadata, assembled, signatures } = input;
  return {
    schema: documentRecordSchema,
    batchId: ids.batchId,
    dossierId: ids.dossierId,
    documentId: ids.documentId,
    ...(input.title ? { title: input.title } : {}),
    metadata: metadata.fields,
    conflicts: metadata.conflicts,
    qrCodes: metadata.qrCodes,
    sources: input.sources,
    pageCount: assembled.pages.length,
    pages: assembled.pages,
    meanConfidence: Math.round(assembled.meanConfidence * 10) / 10,
    provenance: input.provenance,
    ...(signatures.length > 0 ? { signatures } : {}),
    warnings: [...input.signatureWarnings, ...assembled.warnings],
    createdAt: input.createdAt.toISOString(),
  };
}
