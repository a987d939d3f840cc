import { describe, expect, it } from 'vitest';
import { addBinary, dateOutcome, emptyCounts, nameKey, prf, stanceScores } from '../../src/eval/metrics';

describe('prf', () => {
  it('computes precision, recall and F1', () => {
    const c = emptyCounts();
    for (const [g, p] of [[true, true], [true, true], [true, false], [false, true], [false, false]] as const) addBinary(c, g, p);
    const r = prf(c);
    expect(r.precision).toBeCloseTo(2 / 3);
    expect(r.recall).toBeCloseTo(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3);
    expect(r.support).toBe(3);
  });
  it('is 0 when positives exist and none were found', () => {
    const c = emptyCounts();
    addBinary(c, true, false);
    expect(prf(c).f1).toBe(0);
  });
});

describe('stanceScores', () => {
  it('macro-F1 over support and oppose, accuracy over labelled pairs', () => {
    const s = stanceScores([
      { gold: 'support', pred: 'support' },
      { gold: 'oppose', pred: 'none' },
      { gold: 'none', pred: 'oppose' },
      { gold: 'oppose', pred: 'oppose' }
    ]);
    expect(s.accuracy).toBeCloseTo(2 / 3);
    expect(s.f1.support).toBe(1);
    expect(s.f1.oppose).toBeCloseTo(0.5);
    expect(s.macroF1).toBeCloseTo(0.75);
  });
});

describe('dateOutcome', () => {
  const cases: [string | null, string | null, string | null, string | null, string][] = [
    ['2025-08-14', 'day', '2025-08-14', 'day', 'exact'],
    ['2025-02-01', 'month', '2025-02-26', 'day', 'within_precision'],
    ['2025-02-01', 'month', '2025-03-01', 'month', 'wrong'],
    [null, null, null, null, 'correctly_undated'],
    [null, null, '2020-01-01', 'year', 'wrong'],
    ['2019-06-26', 'day', null, null, 'missed']
  ];
  it.each(cases)('gold %s (%s) vs %s (%s) → %s', (gd, gp, pd, pp, want) => {
    expect(dateOutcome({ date: gd, precision: gp }, { date: pd, precision: pp })).toBe(want);
  });
});

it('nameKey folds accents and punctuation', () => {
  expect(nameKey('António Guterres')).toBe(nameKey('Antonio  guterres'));
});
