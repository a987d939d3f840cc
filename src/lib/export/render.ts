/**
 * A chart as a self-describing image: title and subtitle above, article count / source / method note below, drawn
 * in the same file as the chart so provenance cannot be cropped off in a slide deck. The chart itself is re-rendered
 * from its option into an off-screen ECharts instance (canvas at 2× for PNG, the SVG renderer for SVG), at a fixed
 * width so every export of a chart has the same size whatever the window was.
 *
 * Right-to-left labels (apache/echarts#21465): the canvas renderer takes its base direction from the container's
 * `dir`, the SVG renderer writes none and lets the viewer decide, and an SVG `direction="rtl"` flips `text-anchor`
 * so right-aligned axis labels land on the axis. Both renderers here get an explicit left-to-right base direction
 * (the reader's language is English; Persian/Arabic runs inside a label are still ordered right-to-left by the
 * bidi algorithm), and one font stack whose Arabic-script fonts shape Persian and Arabic joined, not letter by letter.
 */
import type { EChartsOption } from 'echarts';
import { echarts } from '$lib/charts/echarts';
import type { Provenance } from './provenance';

export const EXPORT_WIDTH = 1000;
export const PIXEL_RATIO = 2;
/** Latin fonts first (English labels), then Arabic-script fonts that also cover Persian letters (پ چ ژ گ ی). */
export const EXPORT_FONT =
  "'Noto Sans', 'Segoe UI', 'Helvetica Neue', Arial, 'Noto Sans Arabic', 'Noto Naskh Arabic', Tahoma, 'DejaVu Sans', sans-serif";

const PAD = 24;
const TITLE = { size: 20, weight: 700, line: 28, color: '#14263d' };
const SUB = { size: 13, weight: 400, line: 19, color: '#4a535d' };
const FOOT = { size: 11, weight: 400, line: 16, color: '#59636e' };

interface Line {
  text: string;
  size: number;
  weight: number;
  color: string;
  y: number;
}

export interface Layout {
  width: number;
  height: number;
  chartTop: number;
  chartHeight: number;
  lines: Line[];
}

let measureCtx: CanvasRenderingContext2D | null = null;
function measure(text: string, size: number, weight: number): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * size * 0.55;
  measureCtx.font = `${weight} ${size}px ${EXPORT_FONT}`;
  return measureCtx.measureText(text).width;
}

/** Greedy word wrap to `max` pixels; a single over-long word is kept whole rather than split mid-word. */
export function wrap(text: string, max: number, size: number, weight: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && measure(next, size, weight) > max) {
      out.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}

export function layout(p: Provenance, chartHeight: number, width = EXPORT_WIDTH): Layout {
  const max = width - 2 * PAD;
  const lines: Line[] = [];
  let y = PAD;
  const add = (text: string, s: typeof TITLE) => {
    for (const t of wrap(text, max, s.size, s.weight)) {
      y += s.line;
      lines.push({ text: t, size: s.size, weight: s.weight, color: s.color, y: y - (s.line - s.size) / 2 - 2 });
    }
  };
  add(p.title, TITLE);
  for (const s of p.subtitle) add(s, SUB);
  y += 12;
  const chartTop = y;
  y += chartHeight + 10;
  for (const f of p.footer) add(f, FOOT);
  y += PAD - 6;
  return { width, height: Math.ceil(y), chartTop, chartHeight, lines };
}

/** The live option made fit for paper: no animation, no zoom slider or toolbox, the export font, white ground. */
export function printableOption(option: EChartsOption): EChartsOption {
  const o = { ...option } as Record<string, unknown>;
  o.animation = false;
  o.backgroundColor = '#fff';
  o.textStyle = { ...((o.textStyle as object) ?? {}), fontFamily: EXPORT_FONT };
  o.tooltip = { show: false };
  delete o.toolbox;
  const dz = o.dataZoom;
  if (Array.isArray(dz)) o.dataZoom = dz.map((z: Record<string, unknown>) => (z.type === 'slider' ? { ...z, show: false } : z));
  // Titles inside the option (small-multiple panel names) must use the same font as everything else.
  const titles = o.title;
  if (Array.isArray(titles))
    o.title = titles.map((t: Record<string, unknown>) => ({ ...t, textStyle: { ...((t.textStyle as object) ?? {}), fontFamily: EXPORT_FONT } }));
  return o as EChartsOption;
}

/**
 * A scroll legend shows one page of series and hides the rest behind arrows, useless on paper. It becomes a plain,
 * wrapping legend; the rows it needs beyond the first are added to the drawing height and everything positioned
 * from the top (grids, panel titles) moves down by as much.
 */
export function unrollLegend(option: EChartsOption, chartHeight: number, width = EXPORT_WIDTH): { option: EChartsOption; height: number } {
  const o = { ...option } as Record<string, unknown>;
  const legends = (Array.isArray(o.legend) ? o.legend : o.legend ? [o.legend] : []) as Record<string, unknown>[];
  let extra = 0;
  o.legend = legends.map((l) => {
    if (l.type !== 'scroll') return l;
    const series = (Array.isArray(o.series) ? o.series : []) as { name?: string }[];
    const names = ((l.data as unknown[] | undefined) ?? series.map((x) => x.name))
      .map((d) => (typeof d === 'string' ? d : (d as { name?: string } | null)?.name ?? ''))
      .filter(Boolean);
    let rows = 1;
    let x = 0;
    const room = width - 16;
    for (const n of names) {
      const w = 25 + 5 + measure(n, 12, 400) + 10;
      if (x > 0 && x + w > room) {
        rows++;
        x = 0;
      }
      x += w;
    }
    extra = Math.max(extra, (rows - 1) * 24);
    return { ...l, type: 'plain' };
  });
  if (extra > 0) {
    const shift = (key: string) => {
      const v = o[key];
      const arr = (Array.isArray(v) ? v : v ? [v] : []) as Record<string, unknown>[];
      o[key] = arr.map((g) => (typeof g.top === 'number' ? { ...g, top: g.top + extra } : g));
    };
    shift('grid');
    shift('title');
  }
  return { option: o as EChartsOption, height: chartHeight + extra };
}

function offscreen(width: number, height: number): HTMLDivElement {
  const div = document.createElement('div');
  div.setAttribute('dir', 'ltr');
  div.style.cssText = `position:fixed;left:-20000px;top:0;width:${width}px;height:${height}px;direction:ltr;`;
  document.body.appendChild(div);
  return div;
}

function withInstance<T>(renderer: 'canvas' | 'svg', width: number, height: number, option: EChartsOption, use: (c: ReturnType<typeof echarts.init>) => T): T {
  const div = offscreen(width, height);
  const chart = echarts.init(div, null, { renderer, width, height, devicePixelRatio: renderer === 'canvas' ? PIXEL_RATIO : undefined });
  try {
    chart.setOption(printableOption(option), { notMerge: true });
    return use(chart);
  } finally {
    chart.dispose();
    div.remove();
  }
}

export interface Rendered<T> {
  data: T;
  /** CSS pixels; a PNG is PIXEL_RATIO times larger. */
  width: number;
  height: number;
}

export async function renderPng(live: EChartsOption, drawnHeight: number, p: Provenance): Promise<Rendered<Blob>> {
  const { option, height: chartHeight } = unrollLegend(live, drawnHeight);
  const L = layout(p, chartHeight);
  const chartCanvas = withInstance('canvas', L.width, chartHeight, option, (c) =>
    c.getRenderedCanvas({ pixelRatio: PIXEL_RATIO, backgroundColor: '#fff' })
  );
  const canvas = document.createElement('canvas');
  canvas.width = L.width * PIXEL_RATIO;
  canvas.height = L.height * PIXEL_RATIO;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D is not available in this browser.');
  ctx.scale(PIXEL_RATIO, PIXEL_RATIO);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, L.width, L.height);
  ctx.direction = 'ltr';
  ctx.textBaseline = 'alphabetic';
  for (const l of L.lines) {
    ctx.font = `${l.weight} ${l.size}px ${EXPORT_FONT}`;
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, PAD, l.y);
  }
  ctx.drawImage(chartCanvas, 0, L.chartTop, L.width, chartHeight);
  ctx.strokeStyle = '#e1e4e8';
  ctx.beginPath();
  ctx.moveTo(PAD, L.chartTop + chartHeight + 4.5);
  ctx.lineTo(L.width - PAD, L.chartTop + chartHeight + 4.5);
  ctx.stroke();
  const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/png'));
  if (!blob) throw new Error('The PNG could not be encoded.');
  return { data: blob, width: L.width, height: L.height };
}

export function escapeXml(s: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all, so they are dropped.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The ECharts SVG nested in an outer SVG that holds the provenance text. Every `<text>` gets the font stack as an
 * attribute (Inkscape and Illustrator read presentation attributes more reliably than ECharts' `style="font:…"`
 * shorthand), and texts holding Arabic-script letters are marked `unicode-bidi="embed"` + `direction="ltr"`, the
 * same base direction the canvas export used, so both files order mixed labels identically.
 */
export function renderSvg(live: EChartsOption, drawnHeight: number, p: Provenance): Rendered<string> {
  const { option, height: chartHeight } = unrollLegend(live, drawnHeight);
  const L = layout(p, chartHeight);
  let inner = withInstance('svg', L.width, chartHeight, option, (c) => c.renderToSVGString());
  inner = inner.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<svg\b/, `<svg x="0" y="${L.chartTop}"`);
  inner = inner.replace(/<text\b([^>]*)>([^<]*)/g, (m, attrs: string, body: string) => {
    if (/font-family=/.test(attrs)) return m;
    const rtl = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/.test(body);
    return `<text${attrs} font-family="${escapeXml(EXPORT_FONT)}"${rtl ? ' direction="ltr" unicode-bidi="embed"' : ''}>${body}`;
  });
  const font = escapeXml(EXPORT_FONT);
  const texts = L.lines
    .map(
      (l) =>
        `<text x="${PAD}" y="${l.y.toFixed(1)}" font-family="${font}" font-size="${l.size}" font-weight="${l.weight}" fill="${l.color}">${escapeXml(l.text)}</text>`
    )
    .join('\n');
  const rule = `<line x1="${PAD}" x2="${L.width - PAD}" y1="${L.chartTop + chartHeight + 4.5}" y2="${L.chartTop + chartHeight + 4.5}" stroke="#e1e4e8"/>`;
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" direction="ltr" font-family="${font}">\n` +
    `<title>${escapeXml(p.title)}</title>\n<desc>${escapeXml([...p.subtitle, ...p.footer].join('\n'))}</desc>\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${texts}\n${inner}\n${rule}\n</svg>\n`;
  return { data: svg, width: L.width, height: L.height };
}
