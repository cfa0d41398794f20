// The pipelines queue jobs name, loaded and checked once per worker, and at start for the jobs already queued.
import type { Logger } from 'pino';
import { errorReport } from '../domain/errors.ts';
import { loadPipeline, type Pipeline } from '../pipeline/pipeline-file.ts';
import type { JobQueue } from '../queue/job-queue.ts';

export type PipelineLoader = (nameOrPath: string) => Promise<Pipeline>;

/**
 * Loads each named pipeline once. A file that failed to load is read again by the next job that names it, so a
 * fixed file serves the jobs retried after the fix (`sohoa retry`) without restarting the worker.
 */
export function jobPipelineLoader(load: PipelineLoader = loadPipeline): PipelineLoader {
  const loaded = new Map<string, Promise<Pipeline>>();
  return (name) => {
    let pipeline = loaded.get(name);
    if (!pipeline) {
      loaded.set(name, (pipeline = load(name)));
      pipeline.catch(() => loaded.delete(name)); // awaited by the check and by each job; never unhandled
    }
    return pipeline;
  };
}

/**
 * Checks, before the worker takes a job, every pipeline that queued jobs name, and logs each that cannot be used.
 * `enqueue` checked them too, but the file a worker reads may differ (not mounted, edited since). The worker
 * still starts: other batches' jobs can run, and the jobs naming a bad file fail with its reason, not retried.
 */
export async function checkQueuedPipelines(queue: Pick<JobQueue, 'namedPipelines'>, load: PipelineLoader, log: Logger): Promise<{ valid: string[]; invalid: string[] }> {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const name of await queue.namedPipelines()) {
    try {
      const pipeline = await load(name);
      valid.push(name);
      log.info({ event: 'pipeline.checked', pipeline: name, source: pipeline.source, sha256: pipeline.sha256 }, 'pipeline.checked');
    } catch (err) {
      invalid.push(name);
      const { code, message } = errorReport(err);
      log.error({ event: 'pipeline.invalid', pipeline: name, code, reason: message }, `pipeline.invalid: queued jobs name "${name}", which this worker cannot use; they fail with its reason until it is fixed; then retry them (sohoa retry)`);
    }
  }
  return { valid, invalid };
}
