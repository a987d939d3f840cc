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

/** Horizontal bars in the given order (first row at the top), one series so a click maps to one item. */
export function barOption(rows: BarInputRow[], o: BarOptions): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true, valueFormatter: fmt(o.format) as never },
    grid: { left: 8, right: 56, top: 8, bottom: 28, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: {
      type: 'value',
      name: o.valueName,
      nameLocation: 'middle',
      nameGap: 22,
      axisLabel: { formatter: o.format === 'share' ? (v: number) => `${Math.round(v * 100)}%` : undefined, hideOverlap: true }
    },
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
  const side = (s: CompareSide, pick: (r: CompareInputRow) => number, color: string) => ({
    type: 'bar' as const,
    id: `compare|${s.code}`,
    name: s.label,
    color,
    barMaxWidth: 16,
    label: { show: true, position: 'right' as const, fontSize: 10, formatter: ((p: { value: unknown }) => fmt(o.format)(p.value)) as never },
    data: rows.map((r) => ({ value: pick(r), drill: { ...r.drill, country: s.code } }))
  });
  return {
    animation: false,
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, valueFormatter: fmt(o.format) as never },
    grid: { left: 8, right: 64, top: 32, bottom: 28, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: {
      type: 'value',
      name: o.valueName,
      nameLocation: 'middle',
      nameGap: 22,
      axisLabel: { formatter: o.format === 'share' ? (v: number) => `${Math.round(v * 100)}%` : undefined, hideOverlap: true }
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { width: 170, overflow: 'truncate', interval: 0 }
    },
    series: [side(a, (r) => r.a, '#0072B2'), side(b, (r) => r.b, '#E69F00')]
  } as EChartsOption;
}

export function compareHeight(n: number): number {
  return Math.max(180, 70 + n * 40);
}
