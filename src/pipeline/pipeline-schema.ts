// Generates pipelines/schema/pipeline.schema.json from the stages' own options schemas, for editors of pipeline files.
import { z } from 'zod';
import { pipelineStages } from './stage-registry.ts';

type JsonObject = Record<string, unknown>;

export const pipelineSchemaId = 'https://sohoa.local/schema/pipeline/1';

/**
 * A pipeline file: a name, a description, and the stages as a list of one-key objects in the registry's order.
 * The options are described as a file may write them (`io: 'input'`), so an option with a default is optional.
 */
export function pipelineJsonSchema(): JsonObject {
  const stageItems = pipelineStages.map((stage) => ({
    type: 'object',
    description: stage.description,
    properties: { [stage.name]: optionsSchema(stage.options) },
    required: [stage.name],
    additionalProperties: false,
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: pipelineSchemaId,
    title: 'sohoa pipeline',
    description: 'A pipeline file (pipelines/*.yaml): the options of each stage, every stage listed once, in this order.',
    type: 'object',
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9-]+$', description: 'Lowercase letters, digits and "-"; `--pipeline <name>` finds pipelines/<name>.yaml' },
      description: { type: 'string', default: '' },
      stages: { type: 'array', prefixItems: stageItems, items: false, minItems: stageItems.length },
    },
    required: ['name', 'stages'],
    additionalProperties: false,
  };
}

function optionsSchema(options: z.ZodObject): JsonObject {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(options, { target: 'draft-2020-12', io: 'input' }) as JsonObject;
  // A stage written without options (`- store: {}` or `- store:`) takes every default.
  return { anyOf: [schema, { type: 'null' }] };
}
