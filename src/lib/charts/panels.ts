/**
 * Small-multiples layout shared by the trend and stance charts: one grid per panel, stacked vertically, fixed pixel
 * heights so the page can size the chart container from the panel count.
 */
export const PANEL_HEIGHT = 210;
export const PANEL_TOP = 64;
export const PANEL_GAP = 62;
export const PANEL_BOTTOM = 64;

export function panelsHeight(n: number): number {
  const k = Math.max(1, n);
  return PANEL_TOP + k * PANEL_HEIGHT + (k - 1) * PANEL_GAP + PANEL_BOTTOM;
}

export function panelGrid(i: number) {
  return {
    left: 64,
    right: 24,
    top: PANEL_TOP + i * (PANEL_HEIGHT + PANEL_GAP),
    height: PANEL_HEIGHT
  };
}

export function panelTitle(i: number, text: string) {
  return {
    text,
    left: 64,
    top: PANEL_TOP + i * (PANEL_HEIGHT + PANEL_GAP) - 22,
    textStyle: { fontSize: 13, fontWeight: 600 as const, color: '#333' }
  };
}

/** Room under the last grid for the zoom slider. */
export const ZOOM_SLIDER_HEIGHT = 26;

/**
 * A time-axis zoom for long series. Its initial window skips the sparse head that holds the first 1% of articles:
 * one article mis-dated to 1903 should not squash twenty years of coverage into a sliver. The slider still reaches
 * the whole range, and the window is an initial view only (no data is dropped).
 */
export function timeZoom(weights: number[], xAxisIndex: number[], minBuckets = 36): unknown[] | undefined {
  if (weights.length < minBuckets) return undefined;
  const total = weights.reduce((s, w) => s + (w > 0 ? w : 0), 0);
  let start = 0;
  if (total > 0) {
    let cum = 0;
    for (let i = 0; i < weights.length; i++) {
      cum += weights[i] > 0 ? weights[i] : 0;
      if (cum >= total * 0.01) {
        start = i;
        break;
      }
    }
  }
  return [
    // No data shadow: it draws the first series a second time under the slider (thousands of points for weeks).
    { type: 'slider', xAxisIndex, startValue: start, endValue: weights.length - 1, height: 18, bottom: 6, filterMode: 'filter', labelFormatter: '', showDataShadow: false },
    { type: 'inside', xAxisIndex, startValue: start, endValue: weights.length - 1, filterMode: 'filter', zoomOnMouseWheel: 'shift' }
  ];
}
