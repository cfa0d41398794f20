import { describe, expect, it } from 'vitest';
import { roundedSteps, stepClock } from '../../../src/common/step-clock.ts';

describe('stepClock', () => {
  it('adds up the time of a step timed twice and keeps it when the work rejects', async () => {
    const clock = stepClock<'a' | 'b' | 'c'>();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const timed = clock.time('a', () => gate.then(() => 'done'));
    release();
    await expect(timed).resolves.toBe('done');
    const first = clock.ms.a as number;
    await clock.time('a', async () => undefined);
    await expect(clock.time('b', async () => { throw new Error('bad page'); })).rejects.toThrow('bad page');
    expect(clock.ms.a).toBeGreaterThanOrEqual(first);
    expect(clock.ms.b).toBeGreaterThanOrEqual(0);
    expect(clock.ms.c).toBeUndefined();
    expect(roundedSteps({ a: 1.4, b: 2.6 })).toEqual({ a: 1, b: 3 });
  });
});
