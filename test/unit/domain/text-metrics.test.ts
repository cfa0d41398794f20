import { describe, expect, it } from 'vitest';
import { characterErrorRate, editDistance, normalizeForComparison, pooledCer } from '../../../src/domain/text-metrics.ts';

describe('text metrics', () => {
  it('counts edits over code points, not UTF-16 units or NFD marks', () => {
    expect(editDistance('Việt', 'Viet')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    // NFD input is compared after NFC normalization, so a decomposed "ệ" is one character.
    expect(characterErrorRate('Việt Nam', 'Vie\u0323\u0302t Nam').errors).toBe(0);
  });

  it('ignores layout whitespace but not missing words', () => {
    expect(normalizeForComparison('  Số:\t15/QĐ-UBND \n\n Lào Cai ')).toBe('Số: 15/QĐ-UBND Lào Cai');
    const result = characterErrorRate('Độc lập - Tự do - Hạnh phúc', 'Độc lập - Tự do');
    expect(result.errors).toBe(12);
    expect(result.cer).toBeCloseTo(12 / 27, 5);
  });

  it('pools errors over pages by reference length', () => {
    const pooled = pooledCer([
      { errors: 1, referenceLength: 100, cer: 0.01 },
      { errors: 9, referenceLength: 100, cer: 0.09 },
    ]);
    expect(pooled).toBeCloseTo(0.05, 10);
  });
});
