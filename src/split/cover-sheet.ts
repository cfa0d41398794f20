// What a sohoa cover sheet's QR code says: which dossier (and document) the pages after it belong to.
/*
 * The payload is a fixed marker and URL-style pairs, ASCII only (UTF-8 percent-encoded), so every QR reader gives
 * back the same bytes, a person can read it in a decoder app, and a code from any other system never looks like
 * one: `SOHOA1?hs=000.00.16.H05-240305-0001&k=component&tl=Hồ sơ…` with `tl` percent-encoded.
 */
import type { DossierKind } from '../domain/batch.ts';

export const coverSheetMarker = 'SOHOA1';

/** One sheet: a dossier's (starts a dossier), or a document's inside it (starts a document). */
export interface CoverSheet {
  /** The dossier code (mã hồ sơ), as printed in large type under the code. */
  dossierCode: string;
  /** Present on a document's sheet: its id in the dossier (names the output files). */
  documentId?: string;
  dossierKind?: DossierKind;
  /** Document type (loại văn bản) on a document's sheet. */
  documentType?: string;
  /** The dossier's title on a dossier's sheet, the document's on a document's sheet. */
  title?: string;
}

const keys = { dossierCode: 'hs', documentId: 'vb', dossierKind: 'k', documentType: 'lv', title: 'tl' } as const;

/** The QR text of a sheet. Fields are kept in a fixed order, so the same sheet always gives the same code. */
export function encodeCoverSheet(sheet: CoverSheet): string {
  const pairs: string[] = [];
  for (const [field, key] of Object.entries(keys) as Array<[keyof CoverSheet, string]>) {
    const value = sheet[field];
    if (value !== undefined && value !== '') pairs.push(`${key}=${encodeURIComponent(value)}`);
  }
  return `${coverSheetMarker}?${pairs.join('&')}`;
}

export type ParsedCoverSheet = { sheet: CoverSheet } | { problem: string };

/**
 * Reads a decoded QR text. Not a cover sheet at all (no marker): undefined. A cover sheet that cannot be read
 * whole (no dossier code, a field twice, a bad escape) is a problem, never a guess: the split does not cut on it.
 */
export function parseCoverSheet(text: string): ParsedCoverSheet | undefined {
  if (!text.startsWith(`${coverSheetMarker}?`)) return undefined;
  const sheet: Partial<Record<keyof CoverSheet, string>> = {};
  const byKey = new Map<string, keyof CoverSheet>(Object.entries(keys).map(([field, key]) => [key, field as keyof CoverSheet]));
  for (const pair of text.slice(coverSheetMarker.length + 1).split('&')) {
    const [key, raw, ...rest] = pair.split('=');
    const field = key === undefined ? undefined : byKey.get(key);
    // Only a short, plain key is named: the rest of a stranger's code may be anyone's data, and the report is read widely.
    if (field === undefined || raw === undefined || rest.length > 0) return { problem: `the cover sheet's code has an item it does not know${/^[a-z][a-z0-9]{0,7}$/iu.test(key ?? '') ? ` (${key})` : ''}` };
    if (sheet[field] !== undefined) return { problem: `the cover sheet's code gives ${key} twice` };
    try {
      sheet[field] = decodeURIComponent(raw);
    } catch {
      return { problem: `the cover sheet's code has a broken escape in ${key}` };
    }
  }
  if (!sheet.dossierCode) return { problem: 'the cover sheet\'s code carries no dossier code (hs)' };
  if (sheet.dossierKind !== undefined && sheet.dossierKind !== 'component' && sheet.dossierKind !== 'result') {
    return { problem: `the cover sheet's code gives the dossier kind ${JSON.stringify(sheet.dossierKind)}; expected component or result` };
  }
  return { sheet: sheet as CoverSheet };
}
