// Writes what is generated from the code: the JSON Schemas of pipelines/schema (metadata model, --json summary, pipeline files)
// and the README's tables of error codes and stage options. Run it after changing the field table, the model, the summary or a code.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { schemaFiles, schemaText } from '../../src/domain/metadata/json-schema.ts';
import { summaryJsonSchema } from '../../src/cli/summary.ts';
import { withErrorCodeTable } from '../../src/domain/error-codes.ts';
import { pipelineJsonSchema, withStageOptionsTable } from '../../src/pipeline/pipeline-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');
const manifestSchema = await readFile(path.join(root, 'pipelines/schema/manifest.schema.json'), 'utf8');
const readme = await readFile(path.join(root, 'README.md'), 'utf8');
const files = [
  ...schemaFiles(manifestSchema),
  { file: 'pipelines/schema/summary.schema.json', text: schemaText(summaryJsonSchema()) },
  { file: 'pipelines/schema/pipeline.schema.json', text: schemaText(pipelineJsonSchema()) },
  { file: 'README.md', text: withStageOptionsTable(withErrorCodeTable(readme)) },
];
for (const { file, text } of files) {
  const target = path.join(root, file);
  const before = await readFile(target, 'utf8').catch(() => '');
  if (before === text) continue;
  await writeFile(target, text);
  console.log(`wrote ${file}`);
}
