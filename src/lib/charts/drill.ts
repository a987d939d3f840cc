/**
 * What a click on a chart element means: the extra Articles-view parameters that select exactly the articles behind
 * that element. Option builders attach a `drill` object to every data item, so the click handler never has to
 * reverse-engineer ids from labels.
 */
export interface Drill {
  topic?: string;
  entity?: string;
  entity2?: string;
  /** Bucket drill-down: inclusive first day. */
  bucketStart?: string;
  /** Exclusive: the first day of the next bucket (matches the Articles view's `end`). */
  bucketEnd?: string;
  stanceTarget?: string;
  stanceLabel?: string;
  /** Narrows the country filter to this one country. */
  country?: string;
  source?: string;
  lang?: string;
}

export interface DrillItem {
  value: unknown;
  drill: Drill;
  [k: string]: unknown;
}

/** Reads the drill object from an ECharts click event's params, or null when the element carries none. */
export function drillOf(params: unknown): Drill | null {
  const data = (params as { data?: unknown } | null)?.data;
  if (data && typeof data === 'object' && 'drill' in data) {
    const d = (data as { drill: unknown }).drill;
    if (d && typeof d === 'object') return d as Drill;
  }
  return null;
}

/**
 * The drill-down of a clicked point whose data item is a plain number: long line series (topic-trend.ts) carry
 * `drillAt(dataIndex)` on the series instead of a drill object per point.
 */
export function seriesDrill(option: unknown, params: unknown): Drill | null {
  const p = params as { seriesIndex?: number; dataIndex?: number } | null;
  const list = (option as { series?: unknown } | null)?.series;
  const series = Array.isArray(list) ? list : list ? [list] : [];
  if (typeof p?.seriesIndex !== 'number' || typeof p.dataIndex !== 'number') return null;
  const s = series[p.seriesIndex] as { drillAt?: (i: number) => Drill } | undefined;
  return typeof s?.drillAt === 'function' ? s.drillAt(p.dataIndex) : null;
}
