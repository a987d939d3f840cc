import type { EChartsOption } from 'echarts';
import type { Drill } from './drill';
import { addBuckets, bucketLabel, bucketSequence, rollingMean, type Granularity } from './time';
import { countryName, formatPct, sortCountries } from './labels';
import { colorAt, COUNTRY_LINE_TYPES } from './palette';
import { panelGrid, panelTitle, panelsHeight, timeZoom } from './panels';

export interface TrendInputRow {
  /** Bucket start, 'YYYY-MM-DD'. */
  bucket: string;
  /** Null on a row that only carries its bucket's total (articles, but none on a drawn topic). */
  topic_id: string | null;
  /** Null when the query was not split by country. */
  country: string | null;
  /** Articles in this bucket (and country) that carry the topic. */
  n: number;
  /** All articles in this bucket (and country), the share's denominator. */
  total: number;
}

export interface TopicMeta {
  label: string;
  color?: string;
}

export type TrendSplit = 'none' | 'overlay' | 'multiples';

export interface TopicTrendOptions {
  granularity: Granularity;
  measure: 'count' | 'share';
  split: TrendSplit;
  /** Trailing window in buckets; 1 or less = raw values. */
  rolling?: number;
  topics: Record<string, TopicMeta>;
  /**
   * The series to draw, including topics with no article at all (a flat zero line); defaults to the topics present
   * in `rows`. Rows need only be the non-empty cells: every other bucket/country/topic is filled in here.
   */
  topicIds?: readonly string[];
  /**
   * Shares of periods with fewer articles than this are left out (gap): 1 of 2 articles is "50%" but says nothing.
   * Counts are always drawn. Default 5.
   */
  minTotal?: number;
  /** Fix the x range (e.g. to the filter's date range); defaults to the data's own range. */
  first?: string;
  last?: string;
}

export function trendHeight(rows: TrendInputRow[], split: TrendSplit): number {
  if (split !== 'multiples') return 440;
  return panelsHeight(new Set(rows.map((r) => r.country ?? '')).size);
}

/**
 * One line per topic over a dense bucket sequence. Buckets with articles but none on the topic count as 0; buckets
 * with no articles at all have no share (null → gap), so a quiet month never reads as "0% interest".
 */
export function topicTrendOption(rows: TrendInputRow[], o: TopicTrendOptions): EChartsOption {
  const g = o.granularity;
  const dates = rows.map((r) => r.bucket.slice(0, 10)).sort();
  const first = o.first ?? dates[0];
  const last = o.last ?? dates[dates.length - 1];
  const buckets = first && last ? bucketSequence(first, last, g) : [];
  const bIndex = new Map(buckets.map((b, i) => [b, i]));
  const split = o.split;
  const countries = sortCountries(rows.map((r) => (split === 'none' ? '' : (r.country ?? ''))));
  const topicIds = [...new Set(o.topicIds ?? rows.flatMap((r) => (r.topic_id === null ? [] : [r.topic_id])))].sort((a, b) =>
    (o.topics[a]?.label ?? a).localeCompare(o.topics[b]?.label ?? b)
  );
  const topicColor = (t: string) => o.topics[t]?.color || colorAt(topicIds.indexOf(t));
  const topicLabel = (t: string) => o.topics[t]?.label ?? t;

  // totals per (country, bucket) — the same for every topic row of that bucket
  const totals = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const c = split === 'none' ? '' : (r.country ?? '');
    const b = r.bucket.slice(0, 10);
    const tk = `${c}|${b}`;
    totals.set(tk, Math.max(totals.get(tk) ?? 0, Number(r.total) || 0));
    if (r.topic_id === null) continue;
    const ck = `${c}|${r.topic_id}|${b}`;
    counts.set(ck, (counts.get(ck) ?? 0) + (Number(r.n) || 0));
  }

  const multiples = split === 'multiples';
  const series: NonNullable<EChartsOption['series']> & unknown[] = [];
  countries.forEach((c, ci) => {
    for (const t of topicIds) {
      const raw: (number | null)[] = buckets.map((b) => {
        const total = totals.get(`${c}|${b}`) ?? 0;
        const n = counts.get(`${c}|${t}|${b}`) ?? 0;
        if (o.measure === 'count') return n;
        return total > 0 && total >= (o.minTotal ?? 5) ? n / total : null;
      });
      const vals = rollingMean(raw, o.rolling ?? 1);
      const name = split === 'overlay' ? `${topicLabel(t)} — ${countryName(c || null)}` : topicLabel(t);
      series.push({
        type: 'line',
        id: `${t}|${c}`,
        name,
        xAxisIndex: multiples ? ci : 0,
        yAxisIndex: multiples ? ci : 0,
        // Every point gets a symbol: with gaps (null shares) a lone value has no line segment and would be invisible.
        showSymbol: true,
        showAllSymbol: true,
        symbolSize: buckets.length > 120 ? 3 : 6,
        connectNulls: false,
        color: topicColor(t),
        lineStyle: {
          width: 2,
          type: split === 'overlay' ? COUNTRY_LINE_TYPES[ci % COUNTRY_LINE_TYPES.length] : 'solid'
        },
        emphasis: { focus: 'series' },
        data: vals.map((v, i) => {
          const b = buckets[i];
          const drill: Drill = { topic: t, bucketStart: b, bucketEnd: addBuckets(b, g, 1) };
          if (c) drill.country = c;
          return {
            value: v,
            drill,
            n: counts.get(`${c}|${t}|${b}`) ?? 0,
            total: totals.get(`${c}|${b}`) ?? 0
          };
        })
      });
    }
  });

  const panels = multiples ? countries : [''];
  const xLabels = buckets.map((b) => bucketLabel(b, g).replace('Week of ', ''));
  const valueFmt = (v: unknown) =>
    v === null || v === undefined || Number.isNaN(v) ? '–' : o.measure === 'share' ? formatPct(Number(v)) : String(Math.round(Number(v) * 10) / 10);
  const legendNames = split === 'overlay' ? series.map((s) => (s as { name: string }).name) : topicIds.map(topicLabel);

  // Articles per bucket over all panels: where the data actually is, for the initial zoom window.
  const weights = buckets.map((b) => countries.reduce((s, c) => s + (totals.get(`${c}|${b}`) ?? 0), 0));
  const zoom = timeZoom(weights, panels.map((_, i) => i));
  return {
    animation: false,
    color: topicIds.map(topicColor),
    dataZoom: zoom,
    legend: { type: 'scroll', top: 0, left: 0, right: 0, data: legendNames },
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: valueFmt as never
    },
    title: multiples ? panels.map((c, i) => panelTitle(i, countryName(c || null))) : undefined,
    grid: multiples ? panels.map((_, i) => panelGrid(i)) : { left: 64, right: 24, top: 64, bottom: zoom ? 64 : 36 },
    xAxis: panels.map((_, i) => ({
      type: 'category' as const,
      gridIndex: i,
      data: xLabels,
      boundaryGap: false,
      axisLabel: { hideOverlap: true }
    })),
    yAxis: panels.map((_, i) => ({
      type: 'value' as const,
      gridIndex: i,
      min: 0,
      // In small multiples the panel title sits where the axis name would; the chart subtitle names the measure.
      name: multiples ? undefined : o.measure === 'share' ? 'Share of articles' : 'Articles',
      nameTextStyle: { align: 'left' as const },
      axisLabel: {
        formatter: o.measure === 'share' ? (v: number) => `${Math.round(v * 1000) / 10}%` : undefined
      }
    })),
    series
  } as EChartsOption;
}
