import { describe, expect, it } from 'vitest';
import { defaults, resolveRunConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';

describe('run configuration', () => {
  it('takes defaults, then the environment, then flags', () => {
    const config = resolveRunConfig({ batch: 'samples/batch', logLevel: 'debug' }, { SOHOA_POOL_SIZE: '3', SOHOA_LOG_LEVEL: 'warn' });
    expect(config.poolSize).toBe(3);
    expect(config.logLevel).toBe('debug');
    expect(config.out).toBe(defaults.out);
  });

  it('names the option and the value received when one is wrong', () => {
    expect(() => resolveRunConfig({ batch: 'b', poolSize: 0 }, {})).toThrow(ConfigError);
    expect(() => resolveRunConfig({ batch: 'b' }, { SOHOA_POOL_SIZE: 'many' })).toThrow(/options: poolSize: expected an integer 1–64 but received null/);
  });
});
