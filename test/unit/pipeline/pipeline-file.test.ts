import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/errors.ts';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { builtInPipelineDir, loadPipeline, resolvePipeline } from '../../../src/pipeline/pipeline-file.ts';
import { pipelineJsonSchema, withStageOptionsTable } from '../../../src/pipeline/pipeline-schema.ts';
import { stageOrder } from '../../../src/pipeline/stage-registry.ts';
import { defaultNormalizeOptions, normalizeOptions } from '../../../src/stages/normalize.ts';

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
    const message = problemsOf({ name: 'test', stages: [{ normalise: {} }, { recognize: { psm: 3 } }, { store: {} }, { extract: {} }] });
    expect(message).toContain('stages[0]: unknown stage "normalise"');
    expect(message).toContain('stages[1].recognize: unknown key "psm"');
    expect(message).toContain('stages[3]: stage "extract" is out of order (order: split, normalize, recognize, extract, assemble, store; split may be left out)');
    expect(message).toContain('stage "assemble" is missing');
    expect(message).not.toContain('stage "split" is missing');
  });

  it('turns splitting on with a split stage first, with its options checked like any other', () => {
    expect(resolvePipeline(minimal, 'a.yaml').stages.split).toBeUndefined();
    const split = resolvePipeline({ ...minimal, stages: [{ split: { separator: '/^ASN-\\d+$/', dropBlankPages: true } }, ...minimal.stages] }, 'split.yaml');
    expect(split.stages.split).toEqual({ separator: '/^ASN-\\d+$/', keepSeparator: false, dropBlankPages: true, duplex: 'none' });
    expect(resolvePipeline({ ...minimal, stages: [{ split: null }, ...minimal.stages] }, 'on.yaml').stages.split).toEqual({ separator: 'PATCHT', keepSeparator: false, dropBlankPages: false, duplex: 'none' });
    expect(problemsOf({ ...minimal, stages: [{ split: { separator: '/[/' } }, ...minimal.stages] })).toContain('stages[0].split.separator: expected a valid /pattern/ (JavaScript regular expression)');
    expect(problemsOf({ ...minimal, stages: [{ split: { duplex: 'yes' } }, ...minimal.stages] })).toContain('stages[0].split.duplex: expected "none" or "odd-then-reversed-even"');
    expect(problemsOf({ ...minimal, stages: [minimal.stages[0], { split: {} }, ...minimal.stages.slice(1)] })).toContain('stages[1]: stage "split" is out of order');
  });

  it('says where a missing pipeline was looked for', async () => {
    await expect(loadPipeline('nope')).rejects.toThrow(/pipeline "nope" not found at .*pipelines\/nope\.yaml/);
  });

  it('accepts only the page segmentation modes the engine reads a page with', () => {
    const withMode = (pageSegMode: unknown) => ({ ...minimal, stages: [{ normalize: {} }, { recognize: { pageSegMode } }, { extract: {} }, { assemble: {} }, { store: {} }] });
    for (const refused of [0, 1, 2, 12, 14]) {
      expect(problemsOf(withMode(refused))).toContain(`stages[1].recognize.pageSegMode: expected a page segmentation mode among 3, 4, 5, 6, 7, 8, 9, 10, 11, 13 (3, automatic, for whole pages) but received ${refused} (number)`);
    }
    expect(resolvePipeline(withMode(6), 'six.yaml').stages.recognize.pageSegMode).toBe(6);
  });

  it("takes each stage's defaults from the stage's own schema", () => {
    const resolved = resolvePipeline(minimal, 'minimal.yaml');
    expect(resolved.stages.normalize).toEqual(normalizeOptions.parse({}));
    expect(defaultNormalizeOptions).toEqual(resolved.stages.normalize);
    expect(Object.keys(resolved.stages)).toEqual(stageOrder.filter((stage) => stage !== 'split'));
  });
});

describe('pipelines/schema/pipeline.schema.json', () => {
  const schema = pipelineJsonSchema();
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it('holds what the stages generate; run "node scripts/build/write-schemas.ts" after changing a stage option', () => {
    const committed = readFileSync(new URL('../../../pipelines/schema/pipeline.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(committed)).toEqual(schema);
  });

  it("is the README's table of stage options too", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(withStageOptionsTable(readme)).toBe(readme);
  });

  it('accepts the built-in pipeline files and refuses what the loader refuses', () => {
    for (const name of ['dossier', 'result']) {
      const document = parseYaml(readFileSync(`${builtInPipelineDir}${name}.yaml`, 'utf8'));
      expect(validate(document), `${name}.yaml: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(minimal)).toBe(true);
    expect(validate({ ...minimal, stages: [{ normalize: { maxDpi: 5000 } }, ...minimal.stages.slice(1)] })).toBe(false);
    expect(validate({ ...minimal, stages: [...minimal.stages.slice(0, 1), { recognize: { pageSegMode: 12 } }, ...minimal.stages.slice(2)] })).toBe(false);
    expect(validate({ ...minimal, stages: [minimal.stages[1], minimal.stages[0], ...minimal.stages.slice(2)] })).toBe(false);
    expect(validate({ ...minimal, stages: [...minimal.stages.slice(0, 4), { store: { keepOriginal: true } }] })).toBe(false);
  });
});
