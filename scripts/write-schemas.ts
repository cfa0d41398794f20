// Writes the JSON Schemas of pipelines/schema from the metadata model; run it after changing the field table or the model.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { schemaFiles } from '../src/domain/metadata/json-schema.ts';

const root = path.resolve(import.meta.dirname, '..');
const manifestSchema = await readFile(path.join(root, 'pipelines/schema/manifest.schema.json'), 'utf8');
for (const { file, text } of schemaFiles(manifestSchema)) {
  const target = path.join(root, file);
  const before = await readFile(target, 'utf8').catch(() => '');
  if (before === text) continue;
  await writeFile(target, text);
  console.log(`wrote ${file}`);
}
