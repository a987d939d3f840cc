import type { EChartsOption } from 'echarts';
import type { Drill } from './drill';
import { bucketEnds, bucketLabel, bucketSequence, type Granularity } from './time';
import { countryName, sortCountries } from './labels';
import { OPPOSE, SUPPORT } from './palette';
import { panelGrid, panelTitle, panelsHeight, timeZoom } from './panels';

export interface StanceInputRow {
  bucket: string;
  country: string | null;
  support: number;
  oppose: number;
}

export interface StanceOptions {
  granularity: Granularity;
  first?: string;
  last?: string;
  /** False when rows are not split by country: the single panel is then titled "All countries". */
  byCountry?: boolean;
}

export function stanceHeight(rows: StanceInputRow[]): number {
  return panelsHeight(new Set(rows.map((r) => r.country ?? '')).size);
}

/**
 * Diverging bars, one panel per country: support above zero, oppose below (as negative values so the bars hang down).
 * Tooltips and labels show absolute counts; the sign is a drawing convention only.
 */
export function stanceDivergingOption(rows: StanceInputRow[], o: StanceOptions): EChartsOption {
  const g = o.granularity;
  const dates = rows.map((r) => r.bucket.slice(0, 10)).sort();
  const first = o.first ?? dates[0];
  const last = o.last ?? dates[dates.length - 1];
  const buckets = first && last ? bucketSequence(first, last, g) : [];
  const countries = sortCountries(rows.map((r) => r.country ?? ''));
  const cell = new Map<string, StanceInputRow>();
  for (const r of rows) cell.set(`${r.country ?? ''}|${r.bucket.slice(0, 10)}`, r);
  const xLabels = buckets.map((b) => bucketLabel(b, g).replace('Week of ', ''));
  const ends = bucketEnds(buckets, g);
  // Each panel gets its own symmetric scale: one country's busy month must not flatten every other country.
  const maxAbs = new Map<string, number>();
  for (const r of rows) {
    const c = r.country ?? '';
    maxAbs.set(c, Math.max(maxAbs.get(c) ?? 1, Number(r.support) || 0, Number(r.oppose) || 0));
  }

  const series: unknown[] = [];
  countries.forEach((c, ci) => {
    for (const label of ['support', 'oppose'] as const) {
      series.push({
        type: 'bar',
        id: `${c}|${label}`,
        name: label === 'support' ? 'Support' : 'Oppose',
        xAxisIndex: ci,
        yAxisIndex: ci,
        // Support is never below zero and oppose never above it, so the two share a slot (barGap -100%) instead of a
        // stack: ECharts then skips its stacking pass over every bar of every panel.
        barGap: '-100%',
        color: label === 'support' ? SUPPORT : OPPOSE,
        barMaxWidth: 28,
        // One path per series instead of a rectangle element per bar: ECharts builds, styles and paints ~3,600
        // elements for the ten-country chart otherwise. largeThreshold 1, since the default (400) is never reached.
        large: true,
        largeThreshold: 1,
        // Plain numbers, not an item object per bar: ECharts then neither clones nor parses 2 × buckets × countries
        // objects on every redraw (~17 ms of the ten-country chart's). The drill-down is computed on click from
        // `drillAt` (drill.ts seriesDrill); the count is the bar's absolute value.
        data: buckets.map((b) => {
          const r = cell.get(`${c}|${b}`);
          const n = r ? Number(label === 'support' ? r.support : r.oppose) || 0 : 0;
          return label === 'support' ? n : -n;
        }),
        drillAt: (k: number): Drill => {
          const drill: Drill = { bucketStart: buckets[k], bucketEnd: ends[k], stanceLabel: label };
          if (c) drill.country = c;
          return drill;
        }
      });
    }
  });

  const weights = buckets.map((b) =>
    countries.reduce((s, c) => {
      const r = cell.get(`${c}|${b}`);
      return s + (r ? (Number(r.support) || 0) + (Number(r.oppose) || 0) : 0);
    }, 0)
  );
  return {
    animation: false,
    dataZoom: timeZoom(weights, countries.map((_, i) => i)),
    legend: { top: 0, left: 0, data: ['Support', 'Oppose'] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      valueFormatter: ((v: unknown) => String(Math.abs(Number(v) || 0))) as never
    },
    title: countries.map((c, i) => panelTitle(i, o.byCountry === false ? 'All countries' : countryName(c || null))),
    grid: countries.map((_, i) => panelGrid(i)),
    xAxis: countries.map((_, i) => ({
      type: 'category' as const,
      gridIndex: i,
      data: xLabels,
      axisLabel: { hideOverlap: true },
      axisTick: { alignWithLabel: true }
    })),
    yAxis: countries.map((c, i) => ({
      type: 'value' as const,
      gridIndex: i,
      min: -(maxAbs.get(c) ?? 1),
      max: maxAbs.get(c) ?? 1,
      minInterval: 1,
      axisLabel: { formatter: (v: number) => String(Math.abs(v)) }
    })),
    series
  } as EChartsOption;
}
