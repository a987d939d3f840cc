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

/** The dimensions of a typed [x, y] pairs array. */
const XY = ['x', 'y'];

/** Series longer than this are drawn as lines without a symbol per point (see topicTrendOption). */
export const LONG_SERIES = 120;

export function trendHeight(rows: TrendInputRow[], split: TrendSplit): number {
  if (split !== 'multiples') return 440;
  return panelsHeight(new Set(rows.map((r) => r.country ?? '')).size);
}

/** Most buckets a chart draws: a century of weeks. A cut sequence would drop the newest (and densest) buckets. */
const MAX_BUCKETS = 20000;

interface Axis {
  buckets: string[];
  xLabels: string[];
  /** Position of a bucket start in `buckets`. */
  indexOf(bucket: string): number | undefined;
}

/**
 * Per time step, the widest bucket sequence drawn so far, with its labels and positions: a filter change mostly draws
 * the same or a narrower range, which is then a slice of it instead of thousands of date steps and labels again.
 */
const spans = new Map<Granularity, { buckets: string[]; xLabels: string[]; index: Map<string, number> }>();
let lastAxis: { key: string; axis: Axis } | null = null;

function fullAxis(first: string, last: string, g: Granularity): Axis {
  const buckets = bucketSequence(first, last, g, MAX_BUCKETS);
  const xLabels = buckets.map((b) => bucketLabel(b, g).replace('Week of ', ''));
  const index = new Map(buckets.map((b, i) => [b, i]));
  return { buckets, xLabels, indexOf: (b) => index.get(b) };
}

/** The bucket sequence from `first` to `last` and its labels (the same as bucketSequence / bucketLabel). */
function axisOf(first: string | undefined, last: string | undefined, g: Granularity): Axis {
  const key = `${first}|${last}|${g}`;
  if (lastAxis?.key === key) return lastAxis.axis;
  let axis: Axis;
  if (!first || !last) axis = { buckets: [], xLabels: [], indexOf: () => undefined };
  else {
    const f = first.slice(0, 10);
    const l = last.slice(0, 10);
    let span = spans.get(g);
    if (!span || f < span.buckets[0] || l > span.buckets[span.buckets.length - 1]) {
      // Widen (never narrow) the kept span; both ends are bucket starts, so one step sequence covers both ranges.
      const lo = span && span.buckets[0] < f ? span.buckets[0] : f;
      const hi = span && span.buckets[span.buckets.length - 1] > l ? span.buckets[span.buckets.length - 1] : l;
      const full = fullAxis(lo, hi, g);
      span = { buckets: full.buckets, xLabels: full.xLabels, index: new Map(full.buckets.map((b, i) => [b, i])) };
      if (full.buckets.length < MAX_BUCKETS && span.index.has(f)) spans.set(g, span);
    }
    const i = span.index.get(f);
    const j = span.index.get(l);
    if (i === undefined || j === undefined || span.buckets.length >= MAX_BUCKETS) {
      // An end that is not a bucket start of this step (or a span at the cap): computed as is.
      axis = fullAxis(f, l, g);
    } else {
      const index = span.index;
      const end = Math.min(j + 1, i + MAX_BUCKETS);
      axis = {
        buckets: span.buckets.slice(i, end),
        xLabels: span.xLabels.slice(i, end),
        indexOf: (b) => {
          const k = index.get(b);
          return k === undefined || k < i || k >= end ? undefined : k - i;
        }
      };
    }
  }
  lastAxis = { key, axis };
  return axis;
}

/**
 * Builds and keeps the bucket sequence and labels from `first` to `last` at `g` (bucket starts), so that the first
 * chart at that time step slices them instead (at 1M articles, ~6,400 weeks: ~15 ms on a cold page).
 */
export function warmTrendAxis(first: string, last: string, g: Granularity): void {
  const kept = lastAxis;
  axisOf(first, last, g);
  lastAxis = kept;
}

/**
 * One line per topic over a dense bucket sequence. Buckets with articles but none on the topic count as 0; buckets
 * with no articles at all have no share (null → gap), so a quiet month never reads as "0% interest".
 */
export function topicTrendOption(rows: TrendInputRow[], o: TopicTrendOptions): EChartsOption {
  const g = o.granularity;
  let lo: string | undefined;
  let hi: string | undefined;
  for (const r of rows) {
    const d = r.bucket.slice(0, 10);
    if (lo === undefined || d < lo) lo = d;
    if (hi === undefined || d > hi) hi = d;
  }
  const first = o.first ?? lo;
  const last = o.last ?? hi;
  const { buckets, xLabels, indexOf } = axisOf(first, last, g);
  const split = o.split;
  const countries = sortCountries(rows.map((r) => (split === 'none' ? '' : (r.country ?? ''))));
  const topicIds = [...new Set(o.topicIds ?? rows.flatMap((r) => (r.topic_id === null ? [] : [r.topic_id])))].sort((a, b) =>
    (o.topics[a]?.label ?? a).localeCompare(o.topics[b]?.label ?? b)
  );
  const topicColor = (t: string) => o.topics[t]?.color || colorAt(topicIds.indexOf(t));
  const topicLabel = (t: string) => o.topics[t]?.label ?? t;

  // Totals per (country, bucket) and counts per (country, topic, bucket), as arrays over the bucket index: a week
  // series over decades has thousands of buckets, and string-keyed maps per point cost more than the query.
  const nb = buckets.length;
  const cIndex = new Map(countries.map((c, i) => [c, i]));
  const tIndex = new Map(topicIds.map((t, i) => [t, i]));
  const totals = countries.map(() => new Float64Array(nb));
  const counts = countries.map(() => topicIds.map(() => new Float64Array(nb)));
  for (const r of rows) {
    const ci = cIndex.get(split === 'none' ? '' : (r.country ?? ''));
    const bi = indexOf(r.bucket.length === 10 ? r.bucket : r.bucket.slice(0, 10));
    if (ci === undefined || bi === undefined) continue;
    totals[ci][bi] = Math.max(totals[ci][bi], Number(r.total) || 0);
    if (r.topic_id === null) continue;
    const ti = tIndex.get(r.topic_id);
    if (ti !== undefined) counts[ci][ti][bi] += Number(r.n) || 0;
  }

  const multiples = split === 'multiples';
  /** Above this many points per line, symbols are drawn only where a value stands alone. */
  const long = nb > LONG_SERIES;
  const minTotal = o.minTotal ?? 5;
  const bucketEndAt = (i: number) => (i + 1 < nb ? buckets[i + 1] : addBuckets(buckets[i], g, 1));
  const series: NonNullable<EChartsOption['series']> & unknown[] = [];
  /** Dots for the values of long series that stand alone (no neighbour, so no segment), drawn after every line. */
  const lonePoints: Record<string, unknown>[] = [];
  countries.forEach((c, ci) => {
    const tot = totals[ci];
    topicIds.forEach((t, ti) => {
      const cnt = counts[ci][ti];
      const raw: (number | null)[] = new Array(nb);
      for (let i = 0; i < nb; i++) raw[i] = o.measure === 'count' ? cnt[i] : tot[i] > 0 && tot[i] >= minTotal ? cnt[i] / tot[i] : null;
      const vals = rollingMean(raw, o.rolling ?? 1);
      const name = split === 'overlay' ? `${topicLabel(t)} — ${countryName(c || null)}` : topicLabel(t);
      const drillAt = (i: number): Drill => {
        const drill: Drill = { topic: t, bucketStart: buckets[i], bucketEnd: bucketEndAt(i) };
        if (c) drill.country = c;
        return drill;
      };
      // Short series: one item object per point, with its drill-down and counts. Long ones: one typed array of
      // [x, y] pairs (NaN = no value), which ECharts takes without parsing (and cloning) an item per point: at 10
      // lines × 6,000 weeks that halves setOption. The drill-down is computed on click from `drillAt` (drill.ts
      // seriesDrill), the point from the click position (Chart.svelte, nearestLinePoint).
      let data: unknown;
      if (long) {
        const xy = new Float64Array(2 * nb);
        let lone: number[] | null = null;
        for (let i = 0; i < nb; i++) {
          const v = vals[i];
          xy[2 * i] = i;
          xy[2 * i + 1] = v === null ? NaN : v;
          // A value with no neighbour has no segment: it gets a dot of its own (below), or it would be invisible.
          if (v !== null && (vals[i - 1] ?? null) === null && (vals[i + 1] ?? null) === null) (lone ??= []).push(i, v);
        }
        data = xy;
        if (lone) {
          lonePoints.push({
            type: 'scatter',
            id: `lone|${t}|${c}`,
            // Same name as its line: the legend shows and hides both together.
            name,
            decoration: true,
            xAxisIndex: multiples ? ci : 0,
            yAxisIndex: multiples ? ci : 0,
            color: topicColor(t),
            symbol: 'circle',
            symbolSize: 5,
            // Clicks go through to the line's nearest point; the line's own tooltip entry already names the value.
            silent: true,
            tooltip: { show: false },
            dimensions: XY,
            data: Float64Array.from(lone)
          });
        }
      } else data = vals.map((v, i) => ({ value: v, drill: drillAt(i), n: cnt[i], total: tot[i] }));
      series.push({
        type: 'line',
        id: `${t}|${c}`,
        name,
        xAxisIndex: multiples ? ci : 0,
        yAxisIndex: multiples ? ci : 0,
        // Short series: a symbol on every point. Long ones draw the line alone, which is what made a redraw cost
        // ~400 ms, with a dot only where a value stands alone (lonePoints). Clicks still reach every point:
        // Chart.svelte opens the nearest one (nearestLinePoint).
        showSymbol: !long,
        showAllSymbol: true,
        symbol: long ? 'none' : 'circle',
        symbolSize: 6,
        connectNulls: false,
        color: topicColor(t),
        lineStyle: {
          width: long ? 1.5 : 2,
          type: split === 'overlay' ? COUNTRY_LINE_TYPES[ci % COUNTRY_LINE_TYPES.length] : 'solid'
        },
        emphasis: { focus: 'series' },
        drillAt,
        // A typed array needs its dimensions named (ECharts asserts it outside production builds).
        ...(long ? { dimensions: XY } : {}),
        data
      } as never);
    });
  });
  const lines = series.length;
  series.push(...(lonePoints as never[]));

  const panels = multiples ? countries : [''];
  const valueFmt = (v: unknown) =>
    v === null || v === undefined || Number.isNaN(v) ? '–' : o.measure === 'share' ? formatPct(Number(v)) : String(Math.round(Number(v) * 10) / 10);
  const legendNames = split === 'overlay' ? series.slice(0, lines).map((s) => (s as { name: string }).name) : topicIds.map(topicLabel);

  // Articles per bucket over all panels: where the data actually is, for the initial zoom window.
  const weights = buckets.map((_, i) => totals.reduce((s, tot) => s + tot[i], 0));
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
