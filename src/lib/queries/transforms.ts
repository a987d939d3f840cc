/** Pure row transforms shared by charts and tables (no SQL, no DOM). */
import type { Measure } from '$lib/filters';
import type { Granularity } from './sql';
import type { TopicSeriesRow, TopicTrendHitRow, TopicTrendRow } from './trends';

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

/** Every bucket start from `first` to `last` inclusive (date_trunc's starts: Monday weeks, day-1 months). */
export function bucketStarts(first: string, last: string, granularity: Granularity): string[] {
  const out: string[] = [];
  for (let b = first.slice(0, 10); b <= last; b = bucketEnd(b, granularity)) out.push(b);
  return out;
}

/**
 * `buildTopicTrendQuery`'s non-empty cells → the full grid the chart and the CSV export show: every bucket between
 * the first and last dated one × every country present (nulls last) × every series, ordered by bucket, country,
 * topic_id. A missing cell is 0 articles of its bucket's total; a bucket/country with no articles at all has total 0
 * and share null (a gap, never "0% interest"). `value` mirrors `articles` or `share` as the measure says.
 */
export function fillTopicTrend(
  cells: readonly TopicTrendHitRow[],
  series: readonly TopicSeriesRow[],
  granularity: Granularity,
  measure: Measure
): TopicTrendRow[] {
  if (!cells.length) return [];
  let first = cells[0].bucket;
  let last = first;
  const countrySet = new Set<string | null>();
  const totals = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const c of cells) {
    if (c.bucket < first) first = c.bucket;
    if (c.bucket > last) last = c.bucket;
    countrySet.add(c.country);
    totals.set(`${c.bucket}|${c.country}`, Number(c.total));
    if (c.topic_id !== null) counts.set(`${c.bucket}|${c.country}|${c.topic_id}`, Number(c.articles));
  }
  const countries = [...countrySet].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const topics = [...series].sort((a, b) => (a.topic_id < b.topic_id ? -1 : a.topic_id > b.topic_id ? 1 : 0));
  const out: TopicTrendRow[] = [];
  for (const bucket of bucketStarts(first, last, granularity)) {
    for (const country of countries) {
      const total = totals.get(`${bucket}|${country}`) ?? 0;
      for (const t of topics) {
        const articles = counts.get(`${bucket}|${country}|${t.topic_id}`) ?? 0;
        const share = total === 0 ? null : articles / total;
        out.push({
          bucket, country, topic_id: t.topic_id, label_en: t.label_en, color: t.color, articles, total, share,
          value: measure === 'count' ? articles : share
        });
      }
    }
  }
  return out;
}
