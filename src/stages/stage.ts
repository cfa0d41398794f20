// The stage contract: a name, an options schema that owns the defaults and the limits, and one `run` over a common context.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { ObjectStore } from '../storage/object-store.ts';

/** What every stage's `run` is given besides its input: its resolved options and the ports of the run. */
export interface StageContext<Options> {
  options: Options;
  log: Logger;
  /** The OCR port: recognize reads pages with it, normalize asks it which way up a page is. */
  ocr: OcrEngine;
  /** Where the records and their files go. */
  store: ObjectStore;
  /** Scratch folder of the document under way, emptied once it is done. */
  workDir: string;
}

/**
 * One stage of a pipeline. Its options schema is the only place an option is declared: the pipeline file is
 * validated with it, its defaults fill what the file leaves out, and the pipeline JSON Schema is generated from it.
 */
export interface Stage<Name extends string, Schema extends z.ZodObject, Input, Output> {
  name: Name;
  /** One line on what the stage does, shown by editors from the pipeline JSON Schema. */
  description: string;
  options: Schema;
  run(input: Input, ctx: StageContext<z.output<Schema>>): Promise<Output>;
}
