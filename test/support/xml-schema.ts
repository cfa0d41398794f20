// Validates the XML the project writes (ALTO, METS with PREMIS, PREMIS) against the XSDs vendored in test/fixtures/schemas, offline.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateXML, type XMLFileInfo, type XMLValidationError } from 'xmllint-wasm';

export type SchemaName = 'alto' | 'mets' | 'premis';

const schemaDir = path.resolve(import.meta.dirname, '../fixtures/schemas');

/**
 * The schema each name validates with, and the files its imports reach. xmllint-wasm runs libxml2 in an in-memory
 * file system with no network, so every imported file must be handed over up front under the name that the
 * (rewritten, local) `schemaLocation` gives; test/fixtures/schemas/README.md lists those rewrites.
 */
const schemaFiles: Record<SchemaName, { main: string; imports: readonly string[] }> = {
  alto: { main: 'alto-4-4.xsd', imports: ['xlink.xsd'] },
  // The wrapper, so that premis:premis inside mdWrap/xmlData is validated too, not skipped as lax content.
  mets: { main: 'mets-premis.xsd', imports: ['mets.xsd', 'premis-v3-0.xsd', 'xlink.xsd'] },
  premis: { main: 'premis-v3-0.xsd', imports: [] },
};

/** The name the document gets inside xmllint, so that its errors can be told from a schema's. */
const documentName = 'document.xml';

interface LoadedSchema {
  main: XMLFileInfo;
  imports: XMLFileInfo[];
}

const loaded = new Map<SchemaName, Promise<LoadedSchema>>();

function loadSchema(schema: SchemaName): Promise<LoadedSchema> {
  let pending = loaded.get(schema);
  if (!pending) {
    const { main, imports } = schemaFiles[schema];
    pending = Promise.all([main, ...imports].map(readSchemaFile)).then(([first, ...rest]) => ({ main: first!, imports: rest }));
    loaded.set(schema, pending);
  }
  return pending;
}

async function readSchemaFile(fileName: string): Promise<XMLFileInfo> {
  return { fileName, contents: await readFile(path.join(schemaDir, fileName), 'utf8') };
}

/** `line 12: Schemas validity error : …` for the document, `mets.xsd:40: …` for a schema's own warning. */
function formatError(error: XMLValidationError): string {
  if (!error.loc) return error.rawMessage;
  const where = error.loc.fileName === documentName ? `line ${error.loc.lineNumber}` : `${error.loc.fileName}:${error.loc.lineNumber}`;
  return `${where}: ${error.message}`;
}

/**
 * xmllint follows a parser error with the offending source line, which its wrapper reports as an error without a
 * position; those echoes are dropped, unless nothing with a position is left to say why the document failed.
 */
function located(errors: readonly XMLValidationError[]): readonly XMLValidationError[] {
  const withLine = errors.filter((error) => error.loc !== null);
  return withLine.length > 0 ? withLine : errors;
}

/** Validates an XML document against a vendored XSD; resolves with the validator's errors (empty when valid). */
export async function schemaErrors(xml: string, schema: SchemaName): Promise<string[]> {
  const { main, imports } = await loadSchema(schema);
  try {
    const result = await validateXML({ xml: { fileName: documentName, contents: xml }, schema: main, preload: imports });
    if (result.valid) return [];
    const errors = located(result.errors).map(formatError);
    return errors.length > 0 ? errors : [result.rawOutput.trim() || 'xmllint rejected the document without saying why'];
  } catch (err) {
    // A schema that does not compile is a broken fixture, not an invalid document: fail loudly, naming the file.
    throw new Error(`test/fixtures/schemas/${main.fileName} could not be used by xmllint; check the vendored schemas and their local schemaLocations: ${(err as Error).message}`, { cause: err });
  }
}

/** Throws an assertion-style Error listing the errors when the document is not valid. */
export async function expectSchemaValid(xml: string, schema: SchemaName): Promise<void> {
  const errors = await schemaErrors(xml, schema);
  if (errors.length === 0) return;
  throw new Error(`expected the document to be valid against the ${schema} schema (${schemaFiles[schema].main}) but it has ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
}
