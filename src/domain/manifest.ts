// Turns a batch manifest (manifest.json or manifest.csv) or a folder listing into dossier plans, collecting every mistake at once.
import { parseManifestCsv } from './manifest/parse-manifest-csv.ts';
import { parseManifestJson } from './manifest/parse-manifest-json.ts';
import type { ManifestPlan } from './manifest/finish-plan.ts';

export { checkFilePath, compareNatural, fileType, parsePageSelection } from './manifest/check-file-path.ts';
export type { FileReference, ManifestPlan } from './manifest/finish-plan.ts';
export { formatProblem, ManifestError } from './manifest/manifest-error.ts';
export type { ManifestProblem } from './manifest/manifest-error.ts';
export { manifestCsvColumns, parseManifestCsv } from './manifest/parse-manifest-csv.ts';
export { locateJsonError } from './manifest/locate-json-error.ts';
export { manifestJsonKeys, parseManifestJson } from './manifest/parse-manifest-json.ts';
export { planFromFolders, withResolvedFiles } from './manifest/plan-from-folders.ts';
export type { FolderListing } from './manifest/plan-from-folders.ts';

/** Names a batch manifest may have, in the batch root. */
export const manifestFileNames = ['manifest.json', 'manifest.csv'] as const;

/** Picks the parser by file name (`manifest.json` or `manifest.csv`, any case). */
export function parseManifest(manifestFile: string, text: string): ManifestPlan {
  return manifestFile.toLowerCase().endsWith('.csv') ? parseManifestCsv(text, manifestFile) : parseManifestJson(text, manifestFile);
}
