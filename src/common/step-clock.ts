// Times the named steps of one piece of work, so a log line can say where the time of a page went.

export interface StepClock<Step extends string> {
  /** Milliseconds spent in each step so far (a step timed twice adds up). */
  readonly ms: Partial<Record<Step, number>>;
  /** Runs `work`, adding its duration to `step`, whether it resolves or rejects. */
  time<T>(step: Step, work: () => Promise<T>): Promise<T>;
}

export function stepClock<Step extends string>(): StepClock<Step> {
  const ms: Partial<Record<Step, number>> = {};
  return {
    ms,
    async time<T>(step: Step, work: () => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await work();
      } finally {
        ms[step] = (ms[step] ?? 0) + performance.now() - started;
      }
    },
  };
}

/** Whole milliseconds per step, for a log line. */
export function roundedSteps<Step extends string>(ms: Partial<Record<Step, number>>): Partial<Record<Step, number>> {
  return Object.fromEntries(Object.entries(ms).map(([step, value]) => [step, Math.round(value as number)])) as Partial<Record<Step, number>>;
}
