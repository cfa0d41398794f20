// The sample batch's ground truth (samples/ground-truth.json): its schema, its type and its loader, for the generator, the tests and the scripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The repository's `samples/` folder. */
export const samplesDir = import.meta.dirname;
/** The sample batch root: one sub-folder per dossier, plus `manifest.json`. */
export const sampleBatchDir = join(samplesDir, 'batch');
export const sampleManifestPath = join(sampleBatchDir, 'manifest.json');
export const groundTruthPath = join(samplesDir, 'ground-truth.json');

/** What was done to a page; a page lists one or more (the page with no DPI is also clean). */
export const sampleConditions = ['clean', 'no-dpi', 'rotated-90', 'rotated-180', 'skew-3', 'noisy', 'dpi-200', 'jpeg', 'g4-tiff'] as const;
export type SampleCondition = (typeof sampleConditions)[number];

export const groundTruthSchema = z.object({
  version: z.literal(1),
  pages: z
    .array(
      z.object({
        /** Relative to the batch root, forward slashes. */
        file: z.string().min(1),
        /** 1-based page inside a multi-page file. */
        filePageNumber: z.int().min(1),
        dossierId: z.string().min(1),
        documentId: z.string().min(1),
        /** 1-based page of the document. */
        pageNumber: z.int().min(1),
        /** Resolution the page was rendered at (also for the page whose file carries no DPI). */
        dpi: z.int().min(72),
        conditions: z.array(z.enum(sampleConditions)).min(1),
        /** Exact page text, NFC: rows top to bottom, a row's left column before its right column, joined with \n. */
        text: z.string().min(1),
      }),
    )
    .min(1),
});

export type GroundTruth = z.infer<typeof groundTruthSchema>;
export type GroundTruthPage = GroundTruth['pages'][number];

let groundTruth: GroundTruth | undefined;

/** Reads and checks `samples/ground-truth.json` once per process. */
export function loadGroundTruth(): GroundTruth {
  groundTruth ??= groundTruthSchema.parse(JSON.parse(readFileSync(groundTruthPath, 'utf8')));
  return groundTruth;
}

/** Absolute path of a file named relative to the batch root (as in the manifest and the ground truth). */
export function samplePath(file: string): string {
  return join(sampleBatchDir, ...file.split('/'));
}
