// The stages a pipeline runs, in the only order they can run; each brings its options schema (see stages/stage.ts).
import { assembleStage } from '../stages/assemble.ts';
import { extractStage } from '../stages/extract.ts';
import { normalizeStage } from '../stages/normalize.ts';
import { recognizeStage } from '../stages/recognize.ts';
import { splitStage } from '../stages/split-stacks.ts';
import { storeStage } from '../stages/store.ts';

/** split runs once on the batch, before any page; the others on each page or document. */
export const pipelineStages = [splitStage, normalizeStage, recognizeStage, extractStage, assembleStage, storeStage] as const;

export type PipelineStage = (typeof pipelineStages)[number];
export type StageName = PipelineStage['name'];
export const stageOrder: readonly StageName[] = pipelineStages.map((stage) => stage.name);

/** Stages a pipeline may leave out: absent, they do not run (split is on only where a pipeline or --split asks). */
export const optionalStages: ReadonlySet<StageName> = new Set(['split']);

/** Each stage's options schema, by stage name. */
export const stageSchemas = Object.fromEntries(pipelineStages.map((stage) => [stage.name, stage.options])) as {
  [S in PipelineStage as S['name']]: S['options'];
};
