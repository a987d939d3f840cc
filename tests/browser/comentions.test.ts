/**
 * The co-mentions page in a real browser: its rows come from the co-mention cube (loaded by parquet-wasm over HTTP,
 * src/lib/db/comention-loader.ts), and when the cube cannot load the page falls back to buildCoMentionQuery on
 * DuckDB-WASM and draws the same matrix. The compare page likewise: its charts from the co-mention and stance cubes,
 * or, when those cannot load, the same charts from its SQL on DuckDB-WASM. On the shared corpus when present (hundreds
 * of articles), else the seeds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, clickThrough, CORPUS, ensureData, findPoint, ROOT, settle, startEnv, watchedPage, type Env, type Watched } from './env';

const hasChromium = existsSync(CHROMIUM);
const hasCorpus = existsSync(join(CORPUS, 'fa.jsonl')) || existsSync(join(CORPUS, 'ar.jsonl'));

/** What the heatmap draws: both axes and every cell, from the live ECharts instance. */
function drawn(page: Page): Promise<string> {
  return page.$eval('figure[data-chart-id="comentions"] .chart-canvas', (el) => {
    const o = (el as HTMLElement & { __chart?: { getOption(): Record<string, unknown> } }).__chart?.getOption() ?? {};
    const axis = (a: unknown) => ((a as { data?: unknown }[] | undefined) ?? []).map((x) => x.data);
    return JSON.stringify({ x: axis(o.xAxis), y: axis(o.yAxis), series: ((o.series as { data?: unknown }[]) ?? []).map((s) => s.data) });
  });
}

const rowsFrom = (page: Page) => page.getAttribute('[data-rows-from]', 'data-rows-from');

const VIEWS = [
  'comentions/',
  'comentions/?cols=actors',
  'comentions/?cols=actors&measure=pmi&n=25',
  'comentions/?measure=jaccard&kinds=state,un_body',
  'comentions/?langs=fa&n=5',
  'comentions/?cols=actors&measure=jaccard&from=2024-01-01&langs=ar,fa'
];

/** Every compare chart's drawn data (axes and series), from the live ECharts instances. */
const charts = (page: Page): Promise<Record<string, string>> =>
  page.$$eval('figure[data-chart-id^="compare-"]', (figs) =>
    Object.fromEntries(
      figs.map((f) => {
        const el = f.querySelector('.chart-canvas') as HTMLElement & { __chart?: { getOption(): Record<string, unknown> } };
        const o = el.__chart?.getOption() ?? {};
        const axis = (a: unknown) => ((a as { data?: unknown }[] | undefined) ?? []).map((x) => x.data);
        const series = ((o.series as { name?: unknown; data?: unknown }[]) ?? []).map((s) => [s.name, s.data]);
        return [(f as HTMLElement).dataset.chartId, JSON.stringify({ state: (f as HTMLElement).dataset.chartState, x: axis(o.xAxis), y: axis(o.yAxis), series })];
      })
    )
  );
const from = async (page: Page) => [
  await page.getAttribute('[data-counts-from]', 'data-counts-from'),
  await page.getAttribute('[data-stance-from]', 'data-stance-from')
];

/**
 * Runs `use` with a second page on which the cubes cannot load: their files' whole downloads (the cube loaders send no
 * Range header) fail, while DuckDB's range reads go through. The page is closed afterwards.
 */
async function withoutCubes(env: Env, files: string[], use: (fallback: Page) => Promise<void>): Promise<void> {
  const fallback = await env.browser.newPage({ viewport: { width: 1360, height: 900 } });
  try {
    for (const file of files) {
      await fallback.route(`**/${file}.parquet`, (r) => (r.request().headers()['range'] ? r.continue() : r.fulfill({ status: 503, body: 'unavailable' })));
    }
    await use(fallback);
  } finally {
    await fallback.close();
  }
}

describe.skipIf(!hasChromium)('co-mentions and compare from the in-memory cubes', () => {
  let env: Env;
  let w: Watched;

  beforeAll(async () => {
    const data = hasCorpus ? ensureData('corpus', CORPUS) : ensureData('seeds', join(ROOT, 'seeds'));
    env = await startEnv(data);
    w = await watchedPage(env);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('draws from the cube, and a cell still leads to the articles behind it (with a filter set)', async () => {
    await w.page.goto(env.server.url + 'comentions/?cols=actors&langs=fa');
    await settle(w.page);
    expect(await rowsFrom(w.page)).toBe('cube');
    const target = await findPoint(w.page, 'comentions', 'max');
    const { url, count } = await clickThrough(w.page, target);
    expect(url.searchParams.get('entity')).toBe(target.item.drill.entity);
    expect(url.searchParams.get('entity2')).toBe(target.item.drill.entity2);
    expect(url.searchParams.get('langs')).toBe('fa');
    expect(count).toBe(target.item.n);
    expect(w.problems).toEqual([]);
  });

  it('falls back to DuckDB when the cube cannot load, and draws the same matrices', async () => {
    await withoutCubes(env, ['article_entities'], async (fallback) => {
      let drawnCells = 0;
      for (const view of VIEWS) {
        await w.page.goto(env.server.url + view);
        await settle(w.page);
        expect(await rowsFrom(w.page), view).toBe('cube');
        await fallback.goto(env.server.url + view);
        await settle(fallback, 180_000);
        expect(await rowsFrom(fallback), view).toBe('sql');
        expect(await fallback.getAttribute('figure[data-chart-id="comentions"]', 'data-chart-state'), view).toBe(
          await w.page.getAttribute('figure[data-chart-id="comentions"]', 'data-chart-state')
        );
        const cube = await drawn(w.page);
        expect(cube, view).toBe(await drawn(fallback));
        drawnCells += (JSON.parse(cube) as { series: unknown[][] }).series.flat().length;
      }
      // Real matrices were compared, not empty charts.
      expect(drawnCells).toBeGreaterThan(50);
    });
    expect(w.problems).toEqual([]);
  });

  it('stance: the target list and the evidence count from the cube are those DuckDB gives when the cube cannot load', async () => {
    const lists = async (p: Page) => ({
      from: await p.getAttribute('[data-testid="evidence-count"]', 'data-lists-from'),
      targets: await p.$$eval('select[name="target"] option', (os) => os.map((o) => `${(o as HTMLOptionElement).value} ${o.textContent}`)),
      count: (await p.textContent('[data-testid="evidence-count"]'))?.trim()
    });
    await withoutCubes(env, ['stance_cube'], async (fallback) => {
      let options = 0;
      for (const view of ['stance/', 'stance/?countries=IR&ev=support', 'stance/?target=topic:sanctions&from=2024-01-01', 'stance/?threshold=0.5&langs=ar']) {
        await w.page.goto(env.server.url + view);
        await settle(w.page);
        await fallback.goto(env.server.url + view);
        await settle(fallback, 180_000);
        const cube = await lists(w.page);
        const sql = await lists(fallback);
        expect([cube.from, sql.from], view).toEqual(['cube', 'sql']);
        expect(cube.targets, view).toEqual(sql.targets);
        expect(cube.count, view).toBe(sql.count);
        options += cube.targets.length;
      }
      // Real lists were compared, not empty ones.
      expect(options).toBeGreaterThan(12);
    });
    expect(w.problems).toEqual([]);
  });

  it('draws from the cubes, and the same charts from DuckDB when the cubes cannot load', async () => {
    await withoutCubes(env, ['article_entities', 'stance_cube'], async (fallback) => {
      let bars = 0;
      for (const view of ['compare/', 'compare/?a=DZ&b=IR', 'compare/?topics=sanctions,syria&from=2024-01-01', 'compare/?langs=ar']) {
        await w.page.goto(env.server.url + view);
        await settle(w.page);
        expect(await from(w.page), view).toEqual(['cube', 'cube']);
        await fallback.goto(env.server.url + view);
        await settle(fallback, 180_000);
        expect(await from(fallback), view).toEqual(['sql', 'sql']);
        const cube = await charts(w.page);
        expect(Object.keys(cube).length, view).toBe(4);
        expect(cube, view).toEqual(await charts(fallback));
        expect(await w.page.textContent('[data-testid="compare-totals"]'), view).toBe(await fallback.textContent('[data-testid="compare-totals"]'));
        bars += Object.values(cube).join('').split(',').length;
      }
      // Real charts were compared, not empty ones.
      expect(bars).toBeGreaterThan(200);
    });
    expect(w.problems).toEqual([]);
  });
});
