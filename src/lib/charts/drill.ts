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
