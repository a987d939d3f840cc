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
  const dates = rows.map((r) => r.bucket.slice(0, 10)).sort();
  const buckets = dates.length ? bucketSequence(dates[0], dates[dates.length - 1], granularity) : [];
  const ends = bucketEnds(buckets, granularity);
  const countries = sortCountries(rows.map((r) => r.country ?? ''));
  const cell = new Map(rows.map((r) => [`${r.country ?? ''}|${r.bucket.slice(0, 10)}`, Number(r.articles) || 0]));
  const zoom = timeZoom(buckets.map((b) => countries.reduce((s, c) => s + (cell.get(`${c}|${b}`) ?? 0), 0)), [0]);
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
      data: buckets.map((b, k) => {
        const drill: Drill = { bucketStart: b, bucketEnd: ends[k] };
        if (c) drill.country = c;
        return { value: cell.get(`${c}|${b}`) ?? 0, drill };
      })
    }))
  } as EChartsOption;
}
