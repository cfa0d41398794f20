import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/errors.ts';
import { loadPipeline, resolvePipeline } from '../../../src/pipeline/pipeline-file.ts';

const minimal = { name: 'test', stages: [{ normalize: {} }, { recognize: {} }, { extract: {} }, { assemble: {} }, { store: {} }] };

function problemsOf(document: unknown): string {
  try {
    resolvePipeline(document, 'pipelines/test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('pipeline files', () => {
  it('loads the built-in pipelines with defaults filled in', async () => {
    const dossier = await loadPipeline('dossier');
    expect(dossier.name).toBe('dossier');
    expect(dossier.stages.recognize).toEqual({ languages: ['vie'], pageSegMode: 3 });
    expect(dossier.stages.normalize.defaultDpi).toBe(300);
    const result = await loadPipeline('result');
    expect(result.stages.normalize.jpegQuality).toBe(85);
    expect(result.sha256).not.toBe(dossier.sha256);
  });

  it('hashes the resolved plan, so spelling out a default does not change the hash', () => {
    const a = resolvePipeline(minimal, 'a.yaml');
    const b = resolvePipeline({ ...minimal, stages: [{ normalize: { defaultDpi: 300 } }, { recognize: { pageSegMode: 3 } }, { extract: {} }, { assemble: {} }, { store: {} }] }, 'b.yaml');
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the original input files unless the pipeline turns it off, which changes the hash', () => {
    const kept = resolvePipeline(minimal, 'a.yaml');
    expect(kept.stages.store.keepOriginals).toBe(true);
    const off = resolvePipeline({ ...minimal, stages: [...minimal.stages.slice(0, 4), { store: { keepOriginals: false } }] }, 'b.yaml');
    expect(off.stages.store.keepOriginals).toBe(false);
    expect(off.sha256).not.toBe(kept.sha256);
    expect(problemsOf({ ...minimal, stages: [...minimal.stages.slice(0, 4), { store: { keepOriginals: 'yes' } }] })).toContain('keepOriginals: expected true or false');
  });

  it('names the file, the path, the expectation and the value received', () => {
    const message = problemsOf({ ...minimal, stages: [{ normalize: { defaultDpi: '300dpi' } }, { recognize: {} }, { extract: {} }, { assemble: {} }, { store: {} }] });
    expect(message).toBe('pipelines/test.yaml: stages[0].normalize.defaultDpi: expected an integer 72–1200 but received "300dpi" (string)');
  });

  it('reports every problem at once: unknown stage, unknown option, wrong order, missing stage', () => {
    const message = problemsOf({ name: 'test', stages: [{ normalise: {} }, { recognize: { psm: 3 } }, { store: {} }] });
    expect(message).toContain('stages[0]: unknown stage "normalise"');
    expect(message).toContain('stages[1].recognize: unknown key "psm"');
    expect(message).toContain('stages[2]: stage "store" must be entry 4');
    expect(message).toContain('stage "assemble" is missing');
  });

  it('says where a missing pipeline was looked for', async () => {
    await expect(loadPipeline('nope')).rejects.toThrow(/pipeline "nope" not found at .*pipelines\/nope\.yaml/);
  });
});
