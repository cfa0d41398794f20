// Records as drafted from what a run found, before storage adds their outputs: pure builders of the published bytes.
import type { DossierPlan } from './batch.ts';
import {
  documentRecordSchema,
  dossierRecordSchema,
  type DocumentRecord,
  type DossierDocumentEntry,
  type DossierRecord,
  type PageRecord,
  type ProvenanceRecord,
  type SignatureRecord,
  type SourceFileRecord,
} from './record.ts';

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

export interface DossierDraftInput {
  batchId: string;
  dossier: DossierPlan;
  /** The dossier's settled metadata (see `dossierMetadata`). */
  settled: { fields: DossierRecord['metadata']; conflicts: DossierRecord['conflicts'] };
  fingerprint: DossierRecord['fingerprint'];
  provenance: ProvenanceRecord;
  documents: DossierDocumentEntry[];
  createdAt: Date;
}

/** A dossier's record before its exports are stored; its key order is part of the published bytes too. */
export function draftDossierRecord(input: DossierDraftInput): Omit<DossierRecord, 'exports'> {
  const { dossier } = input;
  return {
    schema: dossierRecordSchema,
    batchId: input.batchId,
    dossierId: dossier.id,
    ...(dossier.code ? { code: dossier.code } : {}),
    ...(dossier.title ? { title: dossier.title } : {}),
    kind: dossier.kind,
    metadata: input.settled.fields,
    conflicts: input.settled.conflicts,
    fingerprint: input.fingerprint,
    provenance: input.provenance,
    documents: input.documents,
    createdAt: input.createdAt.toISOString(),
  };
}
