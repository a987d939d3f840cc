/**
 * Reading values back from an option's series. Data is an array of items (numbers, `[x, y]` arrays or `{ value }`
 * objects), or, for long line series (topic-trend.ts), one typed array of `[x, y]` pairs with NaN for "no value".
 * Series flagged `decoration` (e.g. the dots on lone trend values) repeat values another series already carries.
 */

interface SeriesLike {
  data?: ArrayLike<unknown>;
  decoration?: boolean;
}

/** Number of points in a series. */
export function pointCount(s: SeriesLike | null | undefined): number {
  const d = s?.data;
  if (!d) return 0;
  return ArrayBuffer.isView(d) ? d.length >> 1 : d.length;
}

/** The value (last dimension) of point `i`, or null when it has none. */
export function pointValue(s: SeriesLike | null | undefined, i: number): number | null {
  const d = s?.data;
  if (!d) return null;
  if (ArrayBuffer.isView(d)) {
    const y = (d as unknown as Float64Array)[2 * i + 1];
    return y === undefined || Number.isNaN(y) ? null : y;
  }
  const item = d[i];
  const v = item && typeof item === 'object' && !Array.isArray(item) ? (item as { value?: unknown }).value : item;
  const y = Array.isArray(v) ? v[v.length - 1] : v;
  return y === null || y === undefined ? null : (y as number);
}

function seriesList(option: unknown): SeriesLike[] {
  const series = (option as { series?: unknown } | null)?.series;
  return (Array.isArray(series) ? series : series ? [series] : []) as SeriesLike[];
}

function hasValue(s: SeriesLike): boolean {
  const n = pointCount(s);
  for (let i = 0; i < n; i++) if (pointValue(s, i) !== null) return true;
  return false;
}

/** True when no series has a single non-null value: such a chart would draw only axes, which reads as "zero". */
export function optionIsEmpty(option: unknown): boolean {
  for (const s of seriesList(option)) if (!s.decoration && hasValue(s)) return false;
  return true;
}

/** Number of series that carry at least one value; tests read it from data-chart-ready. */
export function drawnSeriesCount(option: unknown): number {
  return seriesList(option).filter((s) => !s.decoration && hasValue(s)).length;
}
