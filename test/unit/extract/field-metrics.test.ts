// Per-field precision, recall and F1 against ground truth, and how the evaluation prints them.
import { describe, expect, it } from 'vitest';
import { compareDocument, comparableValue, formatMismatches, formatScoreTable, scoreFields } from '../../../src/extract/field-metrics.ts';

const keys = ['number', 'issuer', 'subject', 'urgency'];

describe('field metrics', () => {
  it('compares after NFC and white space, and without case only for issuer and signer title', () => {
    expect(comparableValue('subject', '  Về  việc\n tặng ')).toBe('Về việc tặng');
    expect(comparableValue('subject', 'Ve\u0302\u0300 vie\u0323\u0302c')).toBe('Về việc');
    expect(comparableValue('issuer', 'ỦY BAN NHÂN DÂN')).toBe(comparableValue('issuer', 'Ủy ban nhân dân'));
    expect(comparableValue('signerTitle', 'PHÓ CHỦ TỊCH')).toBe('phó chủ tịch');
    expect(comparableValue('place', 'LÀO CAI')).not.toBe(comparableValue('place', 'Lào Cai'));
  });

  it('counts a right value as a true positive and a wrong one as both a false positive and a false negative', () => {
    const { counts, mismatches } = compareDocument(
      'QD-15',
      keys,
      { number: '15', issuer: 'Ủy ban nhân dân tỉnh Lào Cai', subject: 'Về việc tặng' },
      { number: '15', issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', subject: 'Về việc tăng', urgency: 'khan' },
    );
    expect(Object.fromEntries(counts)).toEqual({
      number: { truePositives: 1, falsePositives: 0, falseNegatives: 0 },
      issuer: { truePositives: 1, falsePositives: 0, falseNegatives: 0 },
      subject: { truePositives: 0, falsePositives: 1, falseNegatives: 1 },
      urgency: { truePositives: 0, falsePositives: 1, falseNegatives: 0 },
    });
    expect(mismatches).toEqual([
      { documentId: 'QD-15', key: 'subject', expected: 'Về việc tặng', got: 'Về việc tăng' },
      { documentId: 'QD-15', key: 'urgency', expected: undefined, got: 'khan' },
    ]);
  });

  it('sums documents into precision, recall and F1 per field', () => {
    const docs = [
      compareDocument('a', keys, { number: '1', subject: 'x' }, { number: '1' }).counts,
      compareDocument('b', keys, { number: '2', subject: 'y' }, { number: '3', subject: 'y' }).counts,
      compareDocument('c', keys, { number: '4' }, { number: '4' }).counts,
    ];
    const [number, issuer, subject, urgency] = scoreFields(keys, docs);
    expect(number).toMatchObject({ support: 3, truePositives: 2, falsePositives: 1, falseNegatives: 1 });
    expect(number!.precision).toBeCloseTo(2 / 3, 10);
    expect(number!.recall).toBeCloseTo(2 / 3, 10);
    expect(number!.f1).toBeCloseTo(2 / 3, 10);
    expect(subject).toMatchObject({ support: 2, precision: 1, recall: 0.5 });
    expect(subject!.f1).toBeCloseTo(2 / 3, 10);
    // Never on a page and never extracted: nothing to score, shown as n/a.
    expect(issuer).toMatchObject({ support: 0, precision: 1, recall: 1, f1: 1 });
    expect(urgency).toMatchObject({ support: 0, f1: 1 });
  });

  it('scores a field extracted from pages that do not have it at F1 0', () => {
    const [, , , urgency] = scoreFields(keys, [compareDocument('a', keys, {}, { urgency: 'khan' }).counts]);
    expect(urgency).toMatchObject({ support: 0, falsePositives: 1, precision: 0, recall: 1, f1: 0 });
  });

  it('prints a table and the mismatches', () => {
    const scores = scoreFields(keys, [compareDocument('a', keys, { number: '1', subject: 'x' }, { number: '1', subject: 'z' }).counts]);
    const table = formatScoreTable('Clean pages:', scores);
    expect(table.split('\n')[0]).toBe('Clean pages:');
    expect(table).toMatch(/^number\s+1\s+1\s+0\s+0\s+1\.000\s+1\.000\s+1\.000$/mu);
    expect(table).toMatch(/^subject\s+1\s+0\s+1\s+1\s+0\.000\s+0\.000\s+0\.000$/mu);
    expect(table).toMatch(/^issuer\s+0\s+0\s+0\s+0\s+n\/a\s+n\/a\s+n\/a$/mu);
    expect(formatMismatches([{ documentId: 'a', key: 'subject', expected: 'x', got: undefined }])).toBe('a  subject: expected "x", got —');
  });
});
