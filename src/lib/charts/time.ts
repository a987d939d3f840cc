/**
 * Time buckets as DuckDB's date_trunc makes them: weeks start on Monday (ISO), months/quarters/years on day 1.
 * All arithmetic is in UTC on 'YYYY-MM-DD' strings so a user's time zone never shifts a bucket.
 */
export type Granularity = 'week' | 'month' | 'quarter' | 'year';
export const GRANULARITIES: readonly Granularity[] = ['week', 'month', 'quarter', 'year'];

function parse(d: string): Date {
  return new Date(`${d.slice(0, 10)}T00:00:00Z`);
}
function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addBuckets(start: string, g: Granularity, n: number): string {
  const d = parse(start);
  if (g === 'week') d.setUTCDate(d.getUTCDate() + 7 * n);
  else if (g === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  else if (g === 'quarter') d.setUTCMonth(d.getUTCMonth() + 3 * n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return iso(d);
}

/**
 * Per bucket of `buckets` (consecutive, as bucketSequence gives them): the start of the next one, i.e. its exclusive
 * end. One date computation for the last bucket instead of one per bucket (and per series) in the charts' drills.
 */
export function bucketEnds(buckets: readonly string[], g: Granularity): string[] {
  return buckets.map((b, i) => (i + 1 < buckets.length ? buckets[i + 1] : addBuckets(b, g, 1)));
}

/** Inclusive last day of the bucket that starts at `start`. */
export function bucketEnd(start: string, g: Granularity): string {
  const next = parse(addBuckets(start, g, 1));
  next.setUTCDate(next.getUTCDate() - 1);
  return iso(next);
}

/** Every bucket start from `first` to `last` inclusive, so gaps show as zeros/gaps rather than being bridged. */
export function bucketSequence(first: string, last: string, g: Granularity, max = 5000): string[] {
  const out: string[] = [];
  let cur = first.slice(0, 10);
  const end = last.slice(0, 10);
  // Months, quarters and years from a first day of a month: by integer arithmetic, not a Date per bucket (a few
  // articles dated a century back make ~1,500 monthly buckets, redrawn on every change of the overview).
  const months = g === 'month' ? 1 : g === 'quarter' ? 3 : g === 'year' ? 12 : 0;
  if (months && /^\d{4}-\d{2}-01$/.test(cur)) {
    let y = Number(cur.slice(0, 4));
    let m = Number(cur.slice(5, 7)) - 1;
    for (; y <= 9999 && out.length < max; m += months, y += Math.floor(m / 12), m %= 12) {
      cur = `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
      if (cur > end) break;
      out.push(cur);
    }
    return out;
  }
  while (cur <= end && out.length < max) {
    out.push(cur);
    cur = addBuckets(cur, g, 1);
  }
  return out;
}

/** Human label of a bucket: "2025-W07", "2025-02", "2025 Q1", "2025". */
export function bucketLabel(start: string, g: Granularity): string {
  if (g === 'month') return start.slice(0, 7);
  if (g === 'week') return `Week of ${start.slice(0, 10)}`;
  const d = parse(start);
  const y = d.getUTCFullYear();
  if (g === 'year') return String(y);
  return `${y} Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** Trailing mean over `window` points; null points are skipped, a window with no values stays null. */
export function rollingMean(values: (number | null)[], window: number): (number | null)[] {
  if (window <= 1) return values.slice();
  return values.map((_, i) => {
    let sum = 0;
    let k = 0;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) {
      const v = values[j];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        sum += v;
        k++;
      }
    }
    return k === 0 ? null : sum / k;
  });
}

/** Names a [start, end) range the way a chart bucket would: "Month: 2025-02", else "2025-02-03 – 2025-02-09". */
export function periodLabel(start: string | null, endExclusive: string | null): string {
  if (start && endExclusive) {
    for (const g of ['month', 'quarter', 'year', 'week'] as const) {
      if (addBuckets(start, g, 1) === endExclusive) {
        const ok = g === 'week' ? parse(start).getUTCDay() === 1 : g === 'month' ? start.endsWith('-01') : g === 'quarter' ? /-(01|04|07|10)-01$/.test(start) : start.endsWith('-01-01');
        if (ok) {
          const name = { month: 'Month', quarter: 'Quarter', year: 'Year', week: 'Week' }[g];
          return `${name}: ${bucketLabel(start, g).replace('Week of ', '')}`;
        }
      }
    }
  }
  const last = endExclusive ? iso(new Date(parse(endExclusive).getTime() - 86_400_000)) : null;
  if (start && last) return `Dates: ${start} – ${last}`;
  if (start) return `From ${start}`;
  return `Before ${endExclusive}`;
}
