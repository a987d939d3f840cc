/**
 * Shared set-up for the browser tests: a fresh build, pipeline output for the seeds and for the shared corpus, a
 * static server and Chromium. Each step is cached on disk and redone only when its inputs changed, so the second
 * test file (or run) does not rebuild.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../helpers/static-server';

export const ROOT = resolve(__dirname, '../..');
export const CORPUS = resolve(ROOT, '../shared/corpus');
export const CHROMIUM = '/usr/bin/chromium';
const CACHE = join(tmpdir(), 'engagement-monitor-browser');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    m = Math.max(m, newest(join(path, e)));
  }
  return m;
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    maxBuffer: 64 * 1024 * 1024
  });
}

/** Builds the site unless build/ is newer than every source it is made from. */
export function ensureBuild(): string {
  const built = join(ROOT, 'build', 'index.html');
  const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => newest(join(ROOT, p)));
  if (!existsSync(built) || statSync(built).mtimeMs < Math.max(...inputs)) {
    run(join(ROOT, 'node_modules/.bin/vite'), ['build']);
  }
  return join(ROOT, 'build');
}

/** Pipeline output for `input` in a cached temp folder, regenerated when the input or the pipeline changed. */
export function ensureData(name: string, input: string): string {
  const out = join(CACHE, name);
  const manifest = join(out, 'manifest.json');
  const pipeline = join(ROOT, 'scripts', 'preprocess.ts');
  const inputs = [input, join(ROOT, 'src/pipeline'), pipeline, join(ROOT, 'src/lib/schema.ts')].map(newest);
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= Math.max(...inputs)) return out;
  if (existsSync(pipeline)) {
    run(join(ROOT, 'node_modules/.bin/tsx'), [pipeline, '--input', input, '--out', out]);
  } else {
    // Before the pipeline existed the hand-made fixture stood in for it; kept so the tests still run on a checkout
    // without it.
    run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'tests/fixtures/make-fixture.ts'), out]);
  }
  return out;
}

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

export interface Env {
  server: StaticServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startEnv(dataDir: string): Promise<Env> {
  const root = ensureBuild();
  const server = await startStaticServer({ root, dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    }
  };
}

export interface Watched {
  page: Page;
  /** Console errors, page errors, failed requests and requests to anywhere but the test server. */
  problems: string[];
}

export async function watchedPage(env: Env, viewport = { width: 1360, height: 900 }): Promise<Watched> {
  const page = await env.browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is the browser cancelling a fetch because the test navigated away (page.goto), not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(env.server.url) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`external request: ${u}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

/** Waits until the app is up and no chart or list is still loading. */
export async function settle(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = document.querySelector('[data-app-state]');
      if (!app) return false;
      const state = app.getAttribute('data-app-state');
      if (state === 'error') return true;
      if (state !== 'ready') return false;
      if (document.querySelector('[data-chart-state=loading], [aria-busy=true]')) return false;
      return true;
    },
    null,
    { timeout, polling: 100 }
  );
  // One more frame so ECharts has painted after its last setOption.
  await page.waitForTimeout(150);
}

export interface ChartInfo {
  id: string;
  state: string;
  /** Series that hold at least one non-null value, from the live instance's getOption(). */
  drawn: number;
  seriesIds: string[];
}

export function chartInfo(page: Page): Promise<ChartInfo[]> {
  return page.$$eval('[data-chart-id]', (figs) =>
    figs.map((f) => {
      const el = f.querySelector('.chart-canvas') as (HTMLElement & { __chart?: { getOption(): { series?: { id?: string; data?: unknown[] }[] } } }) | null;
      const series = el?.__chart?.getOption().series ?? [];
      const value = (d: unknown) => {
        const v = d && typeof d === 'object' && !Array.isArray(d) ? (d as { value?: unknown }).value : d;
        return Array.isArray(v) ? v[v.length - 1] : v;
      };
      return {
        id: f.getAttribute('data-chart-id') ?? '',
        state: f.getAttribute('data-chart-state') ?? '',
        drawn: series.filter((s) => (s.data ?? []).some((d) => value(d) !== null && value(d) !== undefined)).length,
        seriesIds: series.map((s) => String(s.id ?? ''))
      };
    })
  );
}

export interface PointTarget {
  x: number;
  y: number;
  /** The clicked data item as the option holds it (value, drill, n, …). */
  item: { value: unknown; drill: Record<string, string>; n?: number };
}

/**
 * Finds a clickable data item in chart `chartId` (the one `pick` prefers, among items visible in the zoom window)
 * and returns its page coordinates, computed by the chart itself (convertToPixel), so the test clicks exactly where
 * the point, bar or cell is drawn.
 */
export async function findPoint(page: Page, chartId: string, pick: 'max' | 'first' = 'max'): Promise<PointTarget> {
  const r = await page.$eval(
    `[data-chart-id="${chartId}"] .chart-canvas`,
    (el, pick) => {
      type Item = { value: unknown; drill?: Record<string, string>; n?: number };
      const chart = (el as unknown as { __chart: { getOption(): Record<string, unknown>; convertToPixel(f: object, v: unknown): number[] } }).__chart;
      const opt = chart.getOption() as {
        series: { type: string; data: Item[] }[];
        dataZoom?: { startValue?: number; endValue?: number }[];
      };
      const zoom = opt.dataZoom?.[0];
      const lo = typeof zoom?.startValue === 'number' ? zoom.startValue : -Infinity;
      const hi = typeof zoom?.endValue === 'number' ? zoom.endValue : Infinity;
      let best: { si: number; di: number; item: Item; score: number } | null = null;
      // Line points drawn on top of each other (two topics with the same value) would make the click ambiguous.
      const seen = new Map<string, number>();
      opt.series.forEach((s) => {
        if (s.type === 'line') s.data.forEach((item, di) => {
          const k = `${di}|${item?.value}`;
          seen.set(k, (seen.get(k) ?? 0) + 1);
        });
      });
      opt.series.forEach((s, si) => {
        s.data.forEach((raw, di) => {
          // A plain-number item (stance bars) takes its drill-down from the series' drillAt, as Chart.svelte does.
          const drillAt = (s as { drillAt?: (i: number) => Record<string, string> }).drillAt;
          const item: Item | null = typeof raw === 'number' && drillAt ? { value: raw, drill: drillAt(di), n: Math.abs(raw) } : raw;
          if (!item || !item.drill) return;
          const v = Array.isArray(item.value) ? item.value[2] : item.value;
          const n = typeof item.n === 'number' ? item.n : Math.abs(Number(v));
          if (v === null || v === undefined || !(n > 0)) return;
          if (s.type !== 'heatmap' && (di < lo || di > hi)) return;
          if (s.type === 'line' && (seen.get(`${di}|${item.value}`) ?? 0) > 1) return;
          const score = pick === 'max' ? n : -(si * 1e6 + di);
          if (!best || score > best.score) best = { si, di, item, score };
        });
      });
      if (!best) return null;
      el.scrollIntoView({ block: 'center' });
      const b = best as { si: number; di: number; item: Item };
      const s = opt.series[b.si];
      let px: number[];
      if (s.type === 'heatmap') px = chart.convertToPixel({ seriesIndex: b.si }, (b.item.value as number[]).slice(0, 2));
      else if (s.type === 'bar') {
        // Grouped and stacked bars sit off the category centre: ask the series for the rectangle it drew.
        type Rect = { x: number; y: number; width: number; height: number };
        type List = { getItemLayout(i: number): Rect | undefined; getLayout(k: string): unknown; indexOfRawIndex(i: number): number };
        const list = (chart as unknown as { getModel(): { getSeriesByIndex(i: number): { getData(): List } } })
          .getModel()
          .getSeriesByIndex(b.si)
          .getData();
        // A zoom window filters the list, so the option's index must be mapped to the list's own index.
        const idx = list.indexOfRawIndex(b.di);
        // A series drawn in large mode (stance bars) keeps one flat array of [x, y, height] per bar, not an item layout.
        const large = list.getLayout('largePoints') as Float32Array | undefined;
        const layout: Rect = list.getItemLayout(idx) ?? {
          x: large![idx * 3],
          y: large![idx * 3 + 1],
          width: list.getLayout('size') as number,
          height: large![idx * 3 + 2]
        };
        px = [layout.x + layout.width / 2, layout.y + layout.height / 2];
      } else px = chart.convertToPixel({ seriesIndex: b.si }, [b.di, b.item.value]);
      const box = el.getBoundingClientRect();
      return { x: box.left + px[0], y: box.top + px[1], item: b.item };
    },
    pick
  );
  if (!r) throw new Error(`chart ${chartId}: no clickable data item`);
  return r as PointTarget;
}

/** Clicks a chart element, waits for the Articles view and returns its URL and reported count. */
export async function clickThrough(page: Page, target: PointTarget): Promise<{ url: URL; count: number }> {
  await page.mouse.move(target.x, target.y);
  await page.waitForTimeout(100);
  await Promise.all([page.waitForURL(/\/articles\/\?/, { timeout: 20_000 }), page.mouse.click(target.x, target.y)]);
  await settle(page);
  await page.waitForFunction(() => /\d+ articles? match/.test(document.querySelector('[data-testid=article-count]')?.textContent ?? ''));
  const text = (await page.textContent('[data-testid=article-count]')) ?? '';
  const count = Number(/([\d,]+) articles? match/.exec(text)?.[1].replace(/,/g, '') ?? NaN);
  return { url: new URL(page.url()), count };
}
