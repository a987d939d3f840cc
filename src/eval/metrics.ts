/**
 * Accuracy metrics for the evaluation harness: pure functions over gold labels and predictions.
 */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const emptyCounts = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

export function addBinary(c: Counts, gold: boolean, pred: boolean): void {
  if (gold && pred) c.tp++;
  else if (!gold && pred) c.fp++;
  else if (gold && !pred) c.fn++;
  else c.tn++;
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Precision, recall and F1; an empty denominator counts as a perfect score only when nothing was expected or predicted. */
export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? (c.fn === 0 ? 1 : 0) : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? (c.fp === 0 ? 1 : 0) : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: c.tp + c.fn };
}

export type StanceClass = 'support' | 'oppose' | 'none';

/** Stance over (article, target) pairs: accuracy on the gold-labelled pairs, macro-F1 over support and oppose. */
export function stanceScores(pairs: { gold: StanceClass; pred: StanceClass }[]): { accuracy: number; macroF1: number; n: number; f1: Record<'support' | 'oppose', number> } {
  const f1 = { support: 0, oppose: 0 };
  for (const cls of ['support', 'oppose'] as const) {
    const c = emptyCounts();
    for (const p of pairs) addBinary(c, p.gold === cls, p.pred === cls);
    f1[cls] = prf(c).f1;
  }
  const labelled = pairs.filter((p) => p.gold !== 'none');
  const accuracy = labelled.length ? labelled.filter((p) => p.pred === p.gold).length / labelled.length : 1;
  return { accuracy, macroF1: (f1.support + f1.oppose) / 2, n: labelled.length, f1 };
}

export type DateOutcome = 'exact' | 'within_precision' | 'wrong' | 'correctly_undated' | 'missed';

/** Compares a predicted date with the gold one. Dates are ISO yyyy-mm-dd; coarser precisions use the first day. */
export function dateOutcome(
  gold: { date: string | null; precision: string | null },
  pred: { date: string | null; precision: string | null }
): DateOutcome {
  if (!gold.date) return pred.date ? 'wrong' : 'correctly_undated';
  if (!pred.date) return 'missed';
  if (gold.date === pred.date && (gold.precision ?? 'day') === (pred.precision ?? 'day')) return 'exact';
  const span = (p: string | null) => (p === 'year' ? 4 : p === 'month' ? 7 : 10);
  // Within the coarser of the two precisions: same year, same month or same day.
  const n = Math.min(span(gold.precision), span(pred.precision));
  return gold.date.slice(0, n) === pred.date.slice(0, n) ? 'within_precision' : 'wrong';
}

/** Lower-case, accents and punctuation stripped: "António Guterres" ~ "Antonio Guterres". */
export function nameKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
