import type { EChartsOption } from 'echarts';
import type { Drill } from './drill';
import { formatPct } from './labels';
import { CATEGORICAL } from './palette';

export interface BarInputRow {
  key: string;
  label: string;
  value: number;
  /** Articles behind the bar, for the tooltip when `value` is a share. */
  n?: number;
  drill: Drill;
  color?: string;
}

export interface BarOptions {
  valueName: string;
  /** 'share' formats values as percentages. */
  format?: 'count' | 'share';
  color?: string;
}

export function barsHeight(n: number): number {
  return Math.max(160, 50 + n * 28);
}

const fmt = (format: 'count' | 'share' | undefined) => (v: unknown) =>
  format === 'share' ? formatPct(Number(v) || 0) : String(v);

/** The value axis of a horizontal bar chart: counts, or shares shown as percentages. */
function valueAxis(o: { valueName?: string; format?: string }) {
  return {
    type: 'value' as const,
    name: o.valueName,
    nameLocation: 'middle' as const,
    nameGap: 22,
    axisLabel: { formatter: o.format === 'share' ? (v: number) => `${Math.round(v * 100)}%` : undefined, hideOverlap: true }
  };
}

/** Horizontal bars in the given order (first row at the top), one series so a click maps to one item. */
export function barOption(rows: BarInputRow[], o: BarOptions): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true, valueFormatter: fmt(o.format) as never },
    grid: { left: 8, right: 56, top: 8, bottom: 28, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: valueAxis(o),
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { width: 190, overflow: 'truncate', interval: 0 }
    },
    series: [
      {
        type: 'bar',
        id: `bars|${o.valueName}`,
        name: o.valueName,
        barMaxWidth: 22,
        color: o.color ?? CATEGORICAL[0],
        label: { show: true, position: 'right', formatter: ((p: { value: unknown }) => fmt(o.format)(p.value)) as never },
        data: rows.map((r) => ({
          value: r.value,
          drill: r.drill,
          n: r.n,
          itemStyle: r.color ? { color: r.color } : undefined
        }))
      }
    ]
  } as EChartsOption;
}

export interface CompareInputRow {
  key: string;
  label: string;
  a: number;
  b: number;
  /** Articles behind each bar (shown on hover, checked by tests). */
  na?: number;
  nb?: number;
  drill: Drill;
}

export interface CompareSide {
  code: string;
  label: string;
}

/**
 * Two countries as grouped horizontal bars over the same categories. Values are whatever the page normalised them to
 * (share of each country's own articles), so a small outlet set and a large one can be read side by side.
 */
export function compareBarsOption(
  rows: CompareInputRow[],
  a: CompareSide,
  b: CompareSide,
  o: BarOptions
): EChartsOption {
  const side = (s: CompareSide, pick: (r: CompareInputRow) => number, count: (r: CompareInputRow) => number | undefined, color: string) => ({
    type: 'bar' as const,
    id: `compare|${s.code}`,
    name: s.label,
    color,
    barMaxWidth: 16,
    label: { show: true, position: 'right' as const, fontSize: 10, formatter: ((p: { value: unknown }) => fmt(o.format)(p.value)) as never },
    data: rows.map((r) => ({ value: pick(r), n: count(r), drill: { ...r.drill, country: s.code } }))
  });
  return {
    animation: false,
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, valueFormatter: fmt(o.format) as never },
    grid: { left: 8, right: 64, top: 32, bottom: 28, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: valueAxis(o),
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { width: 170, overflow: 'truncate', interval: 0 }
    },
    series: [side(a, (r) => r.a, (r) => r.na, '#0072B2'), side(b, (r) => r.b, (r) => r.nb, '#E69F00')]
  } as EChartsOption;
}

export function compareHeight(n: number): number {
  return Math.max(180, 70 + n * 40);
}

export interface CompareStanceInputRow {
  /** Stance target in the Articles view's form, e.g. 'entity:@un_system'. */
  target: string;
  label: string;
  country: string;
  support: number;
  oppose: number;
  /** The country's article count: support/oppose are drawn as shares of it. */
  total: number;
}

/**
 * Per target, one diverging bar per country: support to the right, oppose to the left, each as a share of that
 * country's own articles so a larger outlet set does not look more opinionated.
 */
export function compareStanceOption(rows: CompareStanceInputRow[], a: CompareSide, b: CompareSide): EChartsOption {
  const targets: { target: string; label: string }[] = [];
  for (const r of rows) if (!targets.some((t) => t.target === r.target)) targets.push({ target: r.target, label: r.label });
  const cell = new Map(rows.map((r) => [`${r.country}|${r.target}`, r]));
  const share = (r: CompareStanceInputRow | undefined, k: 'support' | 'oppose') =>
    r && r.total > 0 ? (Number(r[k]) || 0) / r.total : 0;
  const series = [a, b].flatMap((side, si) =>
    (['support', 'oppose'] as const).map((label) => ({
      type: 'bar' as const,
      id: `cmpstance|${side.code}|${label}`,
      name: `${side.label} — ${label}`,
      stack: side.code,
      barMaxWidth: 14,
      color: label === 'support' ? (si === 0 ? '#1b7f4b' : '#74c69d') : si === 0 ? '#c0392b' : '#f1948a',
      data: targets.map((t) => {
        const r = cell.get(`${side.code}|${t.target}`);
        const v = share(r, label);
        return {
          value: label === 'support' ? v : -v,
          n: r ? r[label] : 0,
          drill: { stanceTarget: t.target, stanceLabel: label, country: side.code } satisfies Drill
        };
      })
    }))
  );
  return {
    animation: false,
    legend: { top: 0, left: 0 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: ((p: { seriesName: string; name: string; data: { value: number; n: number } }) =>
        `${p.name}<br/>${p.seriesName}: ${formatPct(Math.abs(p.data.value))} of articles (${p.data.n})`) as never
    },
    grid: { left: 8, right: 24, top: 56, bottom: 28, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: {
      type: 'value',
      name: '◀ oppose · share of the country’s articles · support ▶',
      nameLocation: 'middle',
      nameGap: 22,
      axisLabel: { formatter: (v: number) => `${Math.round(Math.abs(v) * 1000) / 10}%`, hideOverlap: true }
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: targets.map((t) => t.label),
      axisLabel: { width: 220, overflow: 'truncate', interval: 0 }
    },
    series
  } as EChartsOption;
}
