import type { EChartsOption } from 'echarts';
import type { Drill } from './drill';
import { DIVERGING, SEQUENTIAL } from './palette';

export type CoMeasure = 'count' | 'jaccard' | 'pmi';

export const MEASURE_EXPLANATION: Record<CoMeasure, string> = {
  count: 'Count: number of articles that mention both.',
  jaccard: 'Jaccard: articles mentioning both ÷ articles mentioning either (0 = never together, 1 = always together).',
  pmi: 'PMI: log2 of how much more often the pair co-occurs than if they were independent (0 = chance, > 0 = attracted, < 0 = avoided).'
};

export interface HeatAxisItem {
  id: string;
  label: string;
}

export interface HeatCell {
  row_id: string;
  col_id: string;
  value: number;
  /** Articles behind the cell (both present), shown in the tooltip whatever the measure. */
  n: number;
}

export interface HeatmapOptions {
  measure: CoMeasure;
  /** 'topics': columns are topics; 'actors': columns are actors too. Decides the drill-down keys. */
  columns: 'topics' | 'actors';
}

const HEAT_TOP = 110;
const HEAT_BOTTOM = 50;
const HEAT_ROW = 26;

/** Fixed row height so a top-50 matrix grows the page instead of squeezing its labels. */
export function heatmapHeight(rows: HeatAxisItem[]): number {
  return HEAT_TOP + HEAT_BOTTOM + Math.max(4, rows.length) * HEAT_ROW;
}

export function heatmapOption(
  rows: HeatAxisItem[],
  cols: HeatAxisItem[],
  cells: HeatCell[],
  o: HeatmapOptions
): EChartsOption {
  const ri = new Map(rows.map((r, i) => [r.id, i]));
  const ciMap = new Map(cols.map((c, i) => [c.id, i]));
  const data = cells
    .filter((c) => ri.has(c.row_id) && ciMap.has(c.col_id))
    .map((c) => {
      const drill: Drill =
        o.columns === 'topics' ? { entity: c.row_id, topic: c.col_id } : { entity: c.row_id, entity2: c.col_id };
      const v = Number(c.value);
      return {
        value: [ciMap.get(c.col_id)!, ri.get(c.row_id)!, Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null],
        drill,
        n: c.n,
        rowLabel: rows[ri.get(c.row_id)!].label,
        colLabel: cols[ciMap.get(c.col_id)!].label
      };
    });
  const values = data.map((d) => d.value[2]).filter((v): v is number => v !== null);
  const pmi = o.measure === 'pmi';
  const absMax = Math.max(1e-9, ...values.map((v) => Math.abs(v)));
  const max = pmi ? absMax : Math.max(o.measure === 'count' ? 1 : 1e-9, ...values);
  const small = rows.length * cols.length <= 400;

  return {
    animation: false,
    title: {
      text: MEASURE_EXPLANATION[o.measure],
      left: 'center',
      bottom: 0,
      textStyle: { fontSize: 12, fontWeight: 'normal', color: '#444', width: 760, overflow: 'break' }
    },
    tooltip: {
      confine: true,
      formatter: ((p: { data: { value: [number, number, number | null]; n: number; rowLabel: string; colLabel: string } }) => {
        const d = p.data;
        const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
        return `${esc(d.rowLabel)} × ${esc(d.colLabel)}<br/>${o.measure}: <b>${d.value[2] ?? '–'}</b><br/>${d.n} article(s) mention both — click to list them`;
      }) as never
    },
    // Exact grid rect ('none'): the label room is reserved by left/top, so ECharts never shrinks the cells to fit.
    grid: { left: 200, right: 90, top: HEAT_TOP, bottom: HEAT_BOTTOM, outerBoundsMode: 'none' },
    xAxis: {
      type: 'category',
      position: 'top',
      data: cols.map((c) => c.label),
      splitArea: { show: true },
      axisLabel: { rotate: 35, width: 130, overflow: 'truncate', interval: 0 }
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      splitArea: { show: true },
      axisLabel: { width: 180, overflow: 'truncate', interval: 0 }
    },
    visualMap: {
      type: 'continuous',
      min: pmi ? -max : 0,
      max,
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      precision: o.measure === 'count' ? 0 : 2,
      text: [o.measure === 'count' ? 'more' : 'higher', o.measure === 'count' ? 'fewer' : 'lower'],
      inRange: { color: pmi ? DIVERGING : SEQUENTIAL }
    },
    series: [
      {
        type: 'heatmap',
        id: `heat|${o.columns}|${o.measure}`,
        name: o.measure,
        data,
        label: { show: small, fontSize: 10, formatter: ((p: { data: { value: unknown[] } }) => {
          const v = p.data.value[2];
          return v === null ? '' : o.measure === 'count' ? String(v) : Number(v).toFixed(2);
        }) as never },
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } }
      }
    ]
  } as EChartsOption;
}
