// A dossier's metadata from its manifest and its documents: a pure builder, the same for a run and for a queue job.
import type { DocumentRecord, DossierDocumentEntry } from '../record.ts';
import { deriveFields, resolveFields, type FieldCandidate } from './model.ts';

/** What a dossier's metadata takes from one of its documents. */
export interface DocumentContribution {
  entry: Pick<DossierDocumentEntry, 'pageCount'>;
  /** The published record, when the document was stored. */
  record?: Pick<DocumentRecord, 'metadata'>;
  /** Dossier-level values the document's QR codes carry. */
  dossierCandidates: FieldCandidate[];
}

/**
 * The dossier's metadata: the manifest's values (`manifest`), the dossier-level values its documents' QR codes
 * carry, and what follows from the documents (counts, first and last issue date, language).
 */
export function dossierMetadata(manifest: readonly FieldCandidate[], outcomes: readonly DocumentContribution[], language: string): ReturnType<typeof resolveFields> {
  const candidates: FieldCandidate[] = [...manifest];
  for (const outcome of outcomes) candidates.push(...outcome.dossierCandidates);
  const records = outcomes.flatMap((o) => (o.record ? [o.record] : []));
  const issueDates = records.map((r) => r.metadata['issueDate']?.value).filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  candidates.push({ key: 'language', value: language, source: 'derived' });
  if (issueDates.length > 0) {
    candidates.push({ key: 'startDate', value: issueDates[0] as string, source: 'derived' });
    candidates.push({ key: 'endDate', value: issueDates.at(-1) as string, source: 'derived' });
  }
  const { fields, conflicts } = resolveFields(candidates);
  const counts = { documentCount: outcomes.length, pageCount: outcomes.reduce((n, o) => n + o.entry.pageCount, 0) };
  return { fields: deriveFields('dossier', fields, counts), conflicts };
}
