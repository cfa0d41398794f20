import { describe, expect, it } from 'vitest';
import { parseRetention, permanentLockYears, retainUntil } from '../../../src/domain/retention.ts';

describe('retention', () => {
  it('reads permanent and fixed terms as the manifest writes them', () => {
    expect(parseRetention('VINH_VIEN')).toEqual({ kind: 'permanent' });
    expect(parseRetention('Vĩnh viễn')).toEqual({ kind: 'permanent' });
    expect(parseRetention('20 năm')).toEqual({ kind: 'years', years: 20 });
    expect(parseRetention('70')).toEqual({ kind: 'years', years: 70 });
    expect(parseRetention('soon')).toBeUndefined();
    expect(parseRetention(undefined)).toBeUndefined();
  });

  it('turns a retention into an object-lock date', () => {
    const from = new Date('2024-03-05T10:00:00Z');
    expect(retainUntil({ kind: 'years', years: 20 }, from)?.toISOString()).toBe('2044-03-05T10:00:00.000Z');
    expect(retainUntil({ kind: 'permanent' }, from)?.getUTCFullYear()).toBe(2024 + permanentLockYears);
    expect(retainUntil(undefined, from)).toBeUndefined();
  });
});
