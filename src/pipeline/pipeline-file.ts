// Pipeline files: parsed, validated and resolved into a plan at start-up, so a bad file never fails mid-batch.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { formatIssues } from '../common/validation.ts';
import { optionalStages, stageOrder, stageSchemas, type PipelineStage, type StageName } from './stage-registry.ts';

/** Folder of the pipelines shipped with sohoa. */
export const builtInPipelineDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));

export interface Pipeline {
  name: string;
  description: string;
  /** Where it was read from, for messages. */
  source: string;
  /** Each stage's options, resolved by the stage's own schema (defaults filled in); an optional stage left out is absent. */
  stages: { [S in PipelineStage as S['name'] extends 'split' ? never : S['name']]: z.output<S['options']> } & { split?: z.output<(typeof stageSchemas)['split']> };
  /** SHA-256 of the resolved plan (defaults filled in), so equal plans hash equal whatever the file's layout. */
  sha256: string;
}

const fileSchema = z
  .object({
    name: z.string({ error: 'expected a pipeline name' }).regex(/^[a-z0-9-]+$/, { error: 'expected a name of lowercase letters, digits and "-"' }),
    description: z.string({ error: 'expected a text' }).default(''),
    stages: z.array(z.record(z.string(), z.unknown()), { error: 'expected a list of stages like "- normalize: {…}"' }),
  })
  .strict();

/** Validates a parsed pipeline document; throws one ConfigError listing every problem. */
export function resolvePipeline(document: unknown, source: string): Pipeline {
  const parsed = fileSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) throw new ConfigError('PIPELINE_INVALID', formatIssues(source, parsed.error.issues).join('\n'));

  const problems: string[] = [];
  const options: Partial<Record<StageName, unknown>> = {};
  const seen = new Set<string>();
  let lastOrder = -1;
  parsed.data.stages.forEach((entry, index) => {
    const keys = Object.keys(entry);
    if (keys.length !== 1) {
      problems.push(`${source}: stages[${index}]: expected exactly one stage name per entry but received ${JSON.stringify(keys)}`);
      return;
    }
    const name = keys[0] as string;
    seen.add(name);
    if (!(name in stageSchemas)) {
      problems.push(`${source}: stages[${index}]: unknown stage "${name}"; expected one of ${stageOrder.join(', ')}`);
      return;
    }
    const stage = name as StageName;
    const order = stageOrder.indexOf(stage);
    if (order <= lastOrder) {
      problems.push(`${source}: stages[${index}]: stage "${stage}" is out of order (order: ${stageOrder.join(', ')}; ${[...optionalStages].join(', ')} may be left out)`);
      return;
    }
    lastOrder = order;
    const result = stageSchemas[stage].safeParse(entry[name] ?? {}, { reportInput: true });
    if (result.success) options[stage] = result.data;
    else problems.push(...formatIssues(source, result.error.issues, ['stages', index, stage]));
  });
  for (const stage of stageOrder) {
    if (!seen.has(stage) && !optionalStages.has(stage)) {
      problems.push(`${source}: stages: stage "${stage}" is missing; every pipeline lists ${stageOrder.filter((s) => !optionalStages.has(s)).join(', ')} in that order`);
    }
  }
  if (problems.length > 0) throw new ConfigError('PIPELINE_INVALID', problems.join('\n'));

  const stages = options as Pipeline['stages'];
  const sha256 = createHash('sha256').update(JSON.stringify({ name: parsed.data.name, stages })).digest('hex');
  return { name: parsed.data.name, description: parsed.data.description, source, stages, sha256 };
}

/** Resolves `dossier` to the built-in file, or takes a path to a YAML file. */
export function pipelinePath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')) return path.resolve(nameOrPath);
  return path.join(builtInPipelineDir, `${nameOrPath}.yaml`);
}

export async function loadPipeline(nameOrPath: string): Promise<Pipeline> {
  const file = pipelinePath(nameOrPath);
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError('PIPELINE_NOT_FOUND', `pipeline "${nameOrPath}" not found at ${shown}; use a built-in name (dossier, result) or a path to a .yaml file`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (err) {
    throw new ConfigError('PIPELINE_INVALID', `${shown}: not valid YAML: ${(err as Error).message}`);
  }
  return resolvePipeline(document, shown);
}
