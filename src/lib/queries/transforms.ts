/** Pure row transforms shared by charts and tables (no SQL, no DOM). */
import type { Granularity } from './sql';

/**
 * Trailing mean over `window` points (the point and the window−1 before it). Nulls are skipped; a point whose window
 * holds no value stays null. window ≤ 1 returns the input. The first points average over fewer values rather than
 * being dropped, so the line starts where the data starts.
 */
export function rollingMean(values: readonly (number | null)[], window: number): (number | null)[] {
  if (!Number.isFinite(window) || window <= 1) return [...values];
  const w = Math.trunc(window);
  return values.map((_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - w + 1); j <= i; j++) {
      const v = values[j];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n ? sum / n : null;
  });
}

/** Exclusive end of the bucket starting at `start` ('YYYY-MM-DD'), for drill-down links (`start` & `end`). */
export function bucketEnd(start: string, granularity: Granularity): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (granularity === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else if (granularity === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
  else if (granularity === 'quarter') d.setUTCMonth(d.getUTCMonth() + 3);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

/** Human label for a bucket start: "2024-W05", "Mar 2024", "2024 Q1", "2024". */
export function bucketLabel(start: string, granularity: Granularity): string {
  const d = new Date(`${start}T00:00:00Z`);
  const y = d.getUTCFullYear();
  if (granularity === 'year') return String(y);
  if (granularity === 'quarter') return `${y} Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  if (granularity === 'month') return d.toLocaleString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  // ISO week number: the week containing the year's first Thursday is week 1.
  const t = new Date(Date.UTC(y, d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Groups long rows into one series per key, preserving row order: rows → Map(key → rows). */
export function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
