/**
 * Small-multiples layout shared by the trend and stance charts: one grid per panel, stacked vertically, fixed pixel
 * heights so the page can size the chart container from the panel count.
 */
export const PANEL_HEIGHT = 210;
export const PANEL_TOP = 64;
export const PANEL_GAP = 46;
export const PANEL_BOTTOM = 40;

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
