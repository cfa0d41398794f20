// The object key layout, built only from validated ids so a key can never escape its prefix.
import { ConfigError, InputError } from '../domain/errors.ts';

/** Rejects keys that are not plain relative paths: control characters, empty or dot segments, leading slash. */
export function assertSafeKey(key: string): void {
  const bad =
    key.length === 0 ||
    key.startsWith('/') ||
    /[\u0000-\u001f\u007f\\]/.test(key) ||
    key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) throw new InputError('ID_UNSAFE', `object key ${JSON.stringify(key)} is not a safe relative key; ids may use letters, digits, ".", "_" and "-"`);
}

/** Layout: `<batchId>/<dossierId>/<documentId>.<ext>`, `<documentId>.original.<ext>`, `<batchId>/<dossierId>/dossier.{xml,json}`, `<batchId>/report.{json,html}`. */
/** Where `sohoa watch` keeps what it has taken and finished, beside the outputs (it refuses an inbox batch named `_watch`). */
/** `/a/b/` → `a/b`; every segment must be a safe key segment, so the prefix cannot climb out of itself. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '') {
    try {
      assertSafeKey(trimmed);
    } catch {
      throw new ConfigError('STORE_LOCATION_INVALID', `S3 key prefix ${JSON.stringify(prefix)} is not a plain path: use segments of letters, digits, ".", "_" and "-" separated by single "/"`);
    }
  }
  return trimmed;
}

export const watchPrefix = '_watch/';

export const objectKeys = {
  dossierPrefix: (batchId: string, dossierId: string) => `${batchId}/${dossierId}/`,
  document: (batchId: string, dossierId: string, documentId: string, extension: 'pdf' | 'txt' | 'json') =>
    `${batchId}/${dossierId}/${documentId}.${extension}`,
  /** An input file kept unchanged beside the document made from it: `<documentId>.original[-n].<ext>`. */
  original: (batchId: string, dossierId: string, documentId: string, extension: string, index?: number) =>
    `${batchId}/${dossierId}/${documentId}.original${index === undefined ? '' : `-${index}`}.${extension}`,
  dossierRecord: (batchId: string, dossierId: string) => `${batchId}/${dossierId}/dossier.json`,
  dossierXml: (batchId: string, dossierId: string) => `${batchId}/${dossierId}/dossier.xml`,
  batchReport: (batchId: string) => `${batchId}/report.json`,
  batchReportHtml: (batchId: string) => `${batchId}/report.html`,
  /** The watcher's record of one inbox batch (`sohoa watch`), by a hash of its name: names may be anything. */
  watchRecord: (nameHash: string) => `${watchPrefix}${nameHash}.json`,
};
