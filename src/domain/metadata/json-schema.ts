// Generates the JSON Schemas kept in pipelines/schema from the model and the field table, so they never drift from the code.
import { z } from 'zod';
import { fieldsOf } from './fields.ts';
import type { FieldLevel, FieldSpec } from './fields.ts';
import { documentFieldsSchema, dossierFieldsSchema, metadataRegistry, metadataSchema } from './model.ts';

/** Bumped when a stored form changes in a way an older reader would misread. */
export const metadataSchemaVersion = 1;
export const metadataSchemaId = `https://sohoa.local/schema/metadata/${metadataSchemaVersion}`;

type JsonObject = Record<string, unknown>;

/** The schema of a record's metadata block (`level`, `fields`, `conflicts`), with its parts under `$defs`. */
export function metadataJsonSchema(): JsonObject {
  const generated = z.toJSONSchema(metadataSchema, {
    metadata: metadataRegistry,
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      // zod writes Number.MAX_SAFE_INTEGER as the bound of every integer; it says nothing to a reader.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      // A loose object's `additionalProperties: {}` allows what absence allows; it only adds noise.
      const extra = jsonSchema.additionalProperties;
      if (typeof extra === 'object' && Object.keys(extra).length === 0) delete jsonSchema.additionalProperties;
      // The catch-all of the fields objects stands for custom "x-" keys only.
      if (zodSchema === dossierFieldsSchema || zodSchema === documentFieldsSchema) {
        jsonSchema.patternProperties = { '^x-\\S': { $ref: '#/$defs/fieldValue' } };
        jsonSchema.additionalProperties = false;
      }
    },
  }) as JsonObject;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: metadataSchemaId,
    title: 'sohoa record metadata',
    description:
      'The metadata block of a sohoa dossier or document record. Every field records its source (manifest, qr, ocr or derived); sources that disagree are listed under conflicts for review.',
    ...rest,
  };
}

/** The expected form in words: every normaliser refuses an empty value and says what it wants instead. */
function expectedForm(field: FieldSpec): string {
  const checked = field.normalise('');
  return 'expected' in checked ? checked.expected : 'a text';
}

/** The manifest form of a field: what a person may type, described in words with an example. */
function manifestProperty(field: FieldSpec): JsonObject {
  const datePattern = '^\\s*(\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{4})\\s*$';
  const patterns: Record<string, string> = {
    procedureCode: '^\\s*\\d\\.\\d{6}\\s*$',
    agencyCode: '^\\s*[0-9A-Z]+(\\.[0-9A-Z]+)*\\s*$',
    issuerCode: '^\\s*[0-9A-Z]+(\\.[0-9A-Z]+)*\\s*$',
    startDate: datePattern,
    endDate: datePattern,
    issueDate: datePattern,
    validFrom: datePattern,
  };
  const pattern = patterns[field.key];
  const label = `${field.labelEn.charAt(0).toUpperCase()}${field.labelEn.slice(1)}`;
  return {
    title: field.labelVi,
    description: `${label}${field.personal ? ' (personal data)' : ''}. Expected ${expectedForm(field)}.`,
    // Personal identifiers must be text: a number would lose the leading zeros of an ID number.
    ...(field.personal ? { type: 'string' } : { $ref: '#/$defs/text' }),
    ...(pattern !== undefined && { pattern }),
    examples: [field.example],
  };
}

/** The `metadata` object of a dossier or document in manifest.json. */
export function manifestMetadataSchema(level: FieldLevel): JsonObject {
  const properties = Object.fromEntries(
    fieldsOf(level)
      .filter((field) => field.givenAs === 'metadata')
      .map((field) => [field.key, manifestProperty(field)]),
  );
  return {
    description: `Metadata of the ${level}, checked and normalised by sohoa. Keys starting with "x-" hold free text of the office's own.`,
    type: 'object',
    properties,
    patternProperties: { '^x-\\S': { $ref: '#/$defs/text' } },
    additionalProperties: false,
  };
}

/** The manifest schema with its metadata definitions regenerated; everything else is kept as written. */
export function withManifestMetadata(manifestSchema: JsonObject): JsonObject {
  const defs = (manifestSchema['$defs'] ?? {}) as Record<string, JsonObject>;
  const { metadata: _old, ...keptDefs } = defs;
  const withRef = (name: string, ref: string): JsonObject => {
    const def = keptDefs[name] ?? {};
    const properties = (def['properties'] ?? {}) as JsonObject;
    return { ...def, properties: { ...properties, metadata: { $ref: ref } } };
  };
  return {
    ...manifestSchema,
    $defs: {
      ...keptDefs,
      dossier: withRef('dossier', '#/$defs/dossierMetadata'),
      document: withRef('document', '#/$defs/documentMetadata'),
      dossierMetadata: manifestMetadataSchema('dossier'),
      documentMetadata: manifestMetadataSchema('document'),
    },
  };
}

/** Lines up to this width keep an object or array on one line, as the hand-written parts of the schemas do. */
const lineWidth = 80;

function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(inlineJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${inlineJson(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** Two-space indented JSON in which what fits on a line (after `prefixLength` characters) stays on it. */
function formatJson(value: unknown, indent: string, prefixLength: number): string {
  const line = inlineJson(value);
  if (value === null || typeof value !== 'object' || indent.length + prefixLength + line.length <= lineWidth) return line;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => `${inner}${formatJson(item, inner, 0)}`).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner, JSON.stringify(key).length + 2)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/** JSON as the schema files are written: two-space indent, short parts on one line, one final newline. */
export function schemaText(schema: unknown): string {
  return `${formatJson(schema, '', 0)}\n`;
}

/** The schema files relative to the repository root, with their generated text. */
export function schemaFiles(currentManifestSchemaText: string): { file: string; text: string }[] {
  return [
    { file: 'pipelines/schema/metadata.schema.json', text: schemaText(metadataJsonSchema()) },
    { file: 'pipelines/schema/manifest.schema.json', text: schemaText(withManifestMetadata(JSON.parse(currentManifestSchemaText) as JsonObject)) },
  ];
}
