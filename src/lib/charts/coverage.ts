import type { EChartsOption } from 'echarts';
import type { Drill } from './drill';
import { bucketEnds, bucketLabel, bucketSequence, type Granularity } from './time';
import { countryName, sortCountries } from './labels';
import { colorAt } from './palette';
import { timeZoom } from './panels';

export interface CoverageInputRow {
  bucket: string;
  country: string | null;
  articles: number;
}

/** Dated articles per bucket, stacked by country: shows where the corpus is thin before anyone reads a trend. */
export function coverageOption(rows: CoverageInputRow[], granularity: Granularity): EChartsOption {
  // By bucket index, not by string keys: ~1,500 months × the countries, on every redraw of the overview.
  let first = '';
  let last = '';
  for (const r of rows) {
    const d = r.bucket.slice(0, 10);
    if (!first || d < first) first = d;
    if (!last || d > last) last = d;
  }
  const buckets = rows.length ? bucketSequence(first, last, granularity) : [];
  const ends = bucketEnds(buckets, granularity);
  const at = new Map(buckets.map((b, k) => [b, k]));
  const countries = sortCountries(rows.map((r) => r.country ?? ''));
  const values = new Map(countries.map((c) => [c, new Array<number>(buckets.length).fill(0)]));
  const weights = new Array<number>(buckets.length).fill(0);
  for (const r of rows) {
    const k = at.get(r.bucket.slice(0, 10));
    if (k === undefined) continue;
    const n = Number(r.articles) || 0;
    values.get(r.country ?? '')![k] += n;
    weights[k] += n;
  }
  const zoom = timeZoom(weights, [0]);
  return {
    animation: false,
    dataZoom: zoom,
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: { left: 48, right: 16, top: 40, bottom: zoom ? 60 : 30 },
    xAxis: {
      type: 'category',
      data: buckets.map((b) => bucketLabel(b, granularity)),
      axisLabel: { hideOverlap: true }
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: countries.map((c, i) => ({
      type: 'bar' as const,
      id: `coverage|${c}`,
      name: countryName(c || null),
      stack: 'all',
      color: colorAt(i),
      barMaxWidth: 24,
      // As the stance bars (stance.ts): one path per series, and plain numbers with the drill-down computed on click
      // from `drillAt` (drill.ts seriesDrill). A few articles dated decades back stretch the axis to ~1,500 months:
      // 6 countries × 1,500 item objects and rectangles cost the overview's redraw 40–80 ms of its 100 at 1M articles.
      large: true,
      largeThreshold: 1,
      data: values.get(c)!,
      drillAt: (k: number): Drill => {
        const drill: Drill = { bucketStart: buckets[k], bucketEnd: ends[k] };
        if (c) drill.country = c;
        return drill;
      }
    }))
  } as EChartsOption;
}
