// A copy of the sample batch with one extra page whose file is cut short, so a run has a failed page with a reason.
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleBatchDir } from '../fixtures/index.ts';

export interface BatchWithBrokenPage {
  batchDir: string;
  batchId: string;
  /** Relative to the batch root, as the manifest and the report name it. */
  brokenFile: string;
  /** Dossier and document the broken page was added to, and its page number there. */
  dossierId: string;
  documentId: string;
  pageNumber: number;
}

interface Manifest {
  batchId: string;
  dossiers: Array<{ id: string; documents: Array<{ id: string; files: Array<string | { file: string }> }> }>;
}

/**
 * Copies the samples into `dir` and appends to the first document a page that is the first third of a real PNG:
 * its header reads (so the batch plans), its pixels do not (so the page fails when it is normalized).
 */
export async function copyBatchWithBrokenPage(dir: string): Promise<BatchWithBrokenPage> {
  const batchDir = path.join(dir, 'batch');
  await cp(sampleBatchDir, batchDir, { recursive: true });
  const manifestPath = path.join(batchDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  const dossier = manifest.dossiers[0];
  const document = dossier?.documents[0];
  const donor = document?.files[0];
  if (!dossier || !document || typeof donor !== 'string') throw new Error('samples/batch/manifest.json changed shape: expected dossiers[0].documents[0].files[0] to be a file name');
  const brokenFile = `${dossier.id}/trang-hong.png`;
  const bytes = await readFile(path.join(batchDir, donor));
  await writeFile(path.join(batchDir, brokenFile), bytes.subarray(0, Math.floor(bytes.byteLength / 3)));
  document.files.push(brokenFile);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { batchDir, batchId: manifest.batchId, brokenFile, dossierId: dossier.id, documentId: document.id, pageNumber: document.files.length };
}
