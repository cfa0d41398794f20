// The committed JSON Schemas are exactly what scripts/build/write-schemas.ts generates from the model.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metadataSchemaId, schemaFiles } from '../../../../src/domain/metadata/json-schema.ts';
import { fieldsOf } from '../../../../src/domain/metadata/fields.ts';

const read = (file: string) => readFileSync(new URL(`../../../../${file}`, import.meta.url), 'utf8');

describe('pipelines/schema', () => {
  it('holds what the model generates; run "node scripts/build/write-schemas.ts" after changing the model', () => {
    for (const { file, text } of schemaFiles(read('pipelines/schema/manifest.schema.json'))) expect(read(file), file).toBe(text);
  });

  it('gives the metadata schema a versioned $id', () => {
    const schema = JSON.parse(read('pipelines/schema/metadata.schema.json'));
    expect(metadataSchemaId).toMatch(/\/metadata\/\d+$/);
    expect(schema.$id).toBe(metadataSchemaId);
    expect(Object.keys(schema.$defs.documentFields.properties)).toEqual(fieldsOf('document').map((f) => f.key));
  });

  it('lets a manifest give only the metadata keys the parser accepts, plus custom x- keys', () => {
    const schema = JSON.parse(read('pipelines/schema/manifest.schema.json'));
    const given = (level: 'dossier' | 'document') => fieldsOf(level).filter((f) => f.givenAs === 'metadata').map((f) => f.key);
    expect(Object.keys(schema.$defs.dossierMetadata.properties)).toEqual(given('dossier'));
    expect(Object.keys(schema.$defs.documentMetadata.properties)).toEqual(given('document'));
    expect(schema.$defs.documentMetadata.additionalProperties).toBe(false);
    expect(Object.keys(schema.$defs.documentMetadata.patternProperties)).toEqual(['^x-\\S']);
    expect(given('document')).not.toContain('issuedAt');
  });
});
