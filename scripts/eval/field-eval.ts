// Runs the field-accuracy evaluation outside vitest and prints its tables.
// node scripts/eval/field-eval.ts [--dir <set folder>] [--languages vie,eng]  (languages: the dossier pipeline's by default)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { createEvaluationEngine, documentSetDir, formatEvaluation, runFieldEvaluation, targetFailures } from './field-evaluation.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, languages: { type: 'string' } } });
const dir = values.dir === undefined ? documentSetDir : resolve(values.dir);
const pipeline = await loadPipeline('dossier');
const engine = await createEvaluationEngine(pipeline, values.languages === undefined ? {} : { languages: values.languages.split(',').map((l) => l.trim()) });
console.log(`OCR languages: ${engine.info.languages.join('+')} (${engine.info.model})`);
try {
  let done = 0;
  const evaluation = await runFieldEvaluation({
    engine,
    pipeline,
    dir,
    onDocument: (reading) => process.stderr.write(`\r${++done} documents read (last: ${reading.document.id}, ${Math.round(reading.durationMs)} ms)   `),
  });
  process.stderr.write('\n');
  console.log(formatEvaluation(evaluation));
  const failures = targetFailures(evaluation);
  if (failures.length > 0) {
    console.log(`\nBelow target:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  await engine.close();
}
