/** True when no series has a single non-null value: such a chart would draw only axes, which reads as "zero". */
export function optionIsEmpty(option: unknown): boolean {
  const series = (option as { series?: unknown } | null)?.series;
  const list = Array.isArray(series) ? series : series ? [series] : [];
  for (const s of list) {
    const data = (s as { data?: unknown[] }).data ?? [];
    for (const d of data) {
      const v = d && typeof d === 'object' && !Array.isArray(d) ? (d as { value?: unknown }).value : d;
      if (Array.isArray(v) ? v[v.length - 1] !== null && v[v.length - 1] !== undefined : v !== null && v !== undefined) return false;
    }
  }
  return true;
}

/** Number of series that carry at least one value; tests read it from data-chart-ready. */
export function drawnSeriesCount(option: unknown): number {
  const series = (option as { series?: unknown } | null)?.series;
  const list = Array.isArray(series) ? series : series ? [series] : [];
  return list.filter((s) => !optionIsEmpty({ series: [s] })).length;
}
