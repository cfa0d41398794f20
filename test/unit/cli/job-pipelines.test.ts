// A worker checks the pipelines its queued jobs name before it takes a job, and loads each only once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkQueuedPipelines, jobPipelineLoader } from '../../../src/cli/job-pipelines.ts';
import { loadPipeline } from '../../../src/pipeline/pipeline-file.ts';
import { InProcessQueue } from '../../doubles/in-process-queue.ts';
import { memoryLog } from '../../support/memory-log.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function pipelineFile(name: string, text: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sohoa-job-pipelines-'));
  folders.push(folder);
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

const job = (dossierId: string, pipeline?: string) => ({ batchId: 'b', dossierId, batchUri: '/in/b', outUri: '/out', ...(pipeline ? { pipeline } : {}) });

describe('the pipelines named by queued jobs', () => {
  it('are checked at worker start: a bad one is logged with its reason before any job is taken', async () => {
    const bad = pipelineFile('bad.yaml', 'name: bad\nstages:\n  - normalize: {}\n  - recognize: { pageSegMode: 12 }\n  - extract: {}\n  - assemble: {}\n  - store: {}\n');
    const queue = new InProcessQueue();
    await queue.enqueueDossiers([job('D-1', 'dossier'), job('D-2', bad), job('D-3', bad), job('D-4')]);
    const { log, lines } = memoryLog();
    const loads: string[] = [];
    const load = jobPipelineLoader((name) => {
      loads.push(name);
      return loadPipeline(name);
    });

    expect(await checkQueuedPipelines(queue, load, log)).toEqual({ valid: ['dossier'], invalid: [bad] });
    const invalid = lines.find((line) => line['event'] === 'pipeline.invalid');
    expect(invalid).toMatchObject({ pipeline: bad, code: 'PIPELINE_INVALID' });
    expect(String(invalid?.['reason'])).toContain('stages[1].recognize.pageSegMode: expected a page segmentation mode among 3, 4, 5, 6, 7, 8, 9, 10, 11, 13');
    expect(lines.find((line) => line['event'] === 'pipeline.checked')).toMatchObject({ pipeline: 'dossier' });

    // A job that names the bad file fails with the same reason; a good file is read once.
    await expect(load(bad)).rejects.toThrow(/pageSegMode/);
    await expect(load('dossier')).resolves.toMatchObject({ name: 'dossier' });
    expect(loads.filter((name) => name === 'dossier')).toHaveLength(1);

    // Once fixed, the file serves the next job without a restart.
    writeFileSync(bad, 'name: fixed\nstages:\n  - normalize: {}\n  - recognize: { pageSegMode: 6 }\n  - extract: {}\n  - assemble: {}\n  - store: {}\n');
    await expect(load(bad)).resolves.toMatchObject({ name: 'fixed', stages: { recognize: { pageSegMode: 6 } } });
    await expect(load(bad)).resolves.toMatchObject({ name: 'fixed' });
    expect(loads.filter((name) => name === bad)).toHaveLength(3);
  });

  it('leave a queue without named pipelines with nothing to check', async () => {
    const queue = new InProcessQueue();
    await queue.enqueueDossiers([job('D-1')]);
    const { log, lines } = memoryLog();
    expect(await checkQueuedPipelines(queue, jobPipelineLoader(), log)).toEqual({ valid: [], invalid: [] });
    expect(lines).toEqual([]);
  });
});
