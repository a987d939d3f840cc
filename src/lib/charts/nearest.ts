/**
 * Click → nearest line point. Long line series are drawn without a symbol per point (topic-trend.ts), and ECharts
 * only reports clicks on drawn elements, so Chart.svelte asks this helper which point a click on the plot was
 * meant for: the one nearest the cursor (within `maxPx`) among the visible line series, in the click's own grid.
 */
import type { EChartsOption } from 'echarts';
import { pointCount, pointValue } from './empty';

interface Finder {
  seriesIndex: number;
}
export interface PixelChart {
  containPixel(finder: Finder, px: number[]): boolean;
  convertFromPixel(finder: Finder, px: number[]): number[] | number;
  convertToPixel(finder: Finder, v: unknown[]): number[] | number;
}

export interface NearestPoint {
  seriesIndex: number;
  seriesId?: string;
  seriesName?: string;
  dataIndex: number;
  data: unknown;
  value: number;
}

/**
 * The line point nearest to pixel (x, y), or null when the click is outside every line series' grid or farther than
 * `maxPx` from any point. `hidden` names series switched off in the legend (they are not drawn, so not clickable).
 */
export function nearestLinePoint(
  chart: PixelChart,
  option: EChartsOption,
  x: number,
  y: number,
  hidden: ReadonlySet<string> = new Set(),
  maxPx = 24
): NearestPoint | null {
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as {
    type?: string;
    id?: string;
    name?: string;
    data?: ArrayLike<unknown>;
  }[];
  let best: NearestPoint | null = null;
  let bestD = maxPx * maxPx;
  series.forEach((s, si) => {
    const n = pointCount(s);
    if (s.type !== 'line' || !n || (s.name && hidden.has(s.name))) return;
    const finder = { seriesIndex: si };
    let inside = false;
    try {
      inside = chart.containPixel(finder, [x, y]);
    } catch {
      return;
    }
    if (!inside) return;
    const at = chart.convertFromPixel(finder, [x, y]);
    const xi = Math.round(Array.isArray(at) ? at[0] : at);
    if (!Number.isFinite(xi)) return;
    for (let i = xi - 2; i <= xi + 2; i++) {
      if (i < 0 || i >= n) continue;
      const v = pointValue(s, i);
      if (v === null || !Number.isFinite(v)) continue;
      const p = chart.convertToPixel(finder, [i, v]);
      if (!Array.isArray(p)) continue;
      const d = (p[0] - x) ** 2 + (p[1] - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = { seriesIndex: si, seriesId: s.id, seriesName: s.name, dataIndex: i, data: ArrayBuffer.isView(s.data) ? v : s.data![i], value: v };
      }
    }
  });
  return best;
}
