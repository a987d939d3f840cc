/**
 * The dashboard in a real browser, on two datasets: the pipeline's output for the five seeds, and for the shared
 * corpus (skipped with a message when that folder is absent). Every page must draw real series, every click must
 * lead to the articles behind the clicked element (same count), URLs must round-trip, and nothing may log an error
 * or fetch from outside the site.
 */
import { LONG_SERIES } from '../../src/lib/charts/topic-trend';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { startStaticServer, type StaticServer } from '../helpers/static-server';
import {
  chartInfo,
  CHROMIUM,
  clickThrough,
  CORPUS,
  ensureBuild,
  ensureData,
  LAUNCH_ARGS,
  findPoint,
  ROOT,
  settle,
  startEnv,
  watchedPage,
  type Env,
  type Watched
} from './env';

const PAGES: { path: string; charts: string[] }[] = [
  { path: '', charts: ['by-country', 'by-lang', 'coverage', 'by-source', 'topic-shares'] },
  { path: 'trends/', charts: ['topic-trend'] },
  { path: 'stance/', charts: ['stance-trend'] },
  { path: 'comentions/', charts: ['comentions'] },
  { path: 'compare/', charts: ['compare-topics', 'compare-stance'] },
  { path: 'articles/', charts: [] },
  { path: 'method/', charts: [] }
];

const hasChromium = existsSync('/usr/bin/chromium');
const hasCorpus = existsSync(join(CORPUS, 'fa.jsonl')) || existsSync(join(CORPUS, 'ar.jsonl'));
if (!hasCorpus) console.warn(`[browser tests] ${CORPUS} not found: the corpus half of the browser tests is skipped.`);
if (!hasChromium) console.warn('[browser tests] /usr/bin/chromium not found: browser tests are skipped.');

const DATASETS = [
  { name: 'seeds', input: join(ROOT, 'seeds'), enabled: hasChromium, screens: false },
  { name: 'corpus', input: CORPUS, enabled: hasChromium && hasCorpus, screens: true }
];

for (const ds of DATASETS) {
  describe.skipIf(!ds.enabled)(`dashboard on ${ds.name}`, () => {
    let env: Env;
    let w: Watched;

    beforeAll(async () => {
      const data = ensureData(ds.name, ds.input);
      env = await startEnv(data);
      w = await watchedPage(env);
    });
    afterAll(async () => {
      await env?.close();
    });

    const open = async (path: string) => {
      await w.page.goto(env.server.url + path);
      await settle(w.page);
      expect(await w.page.getAttribute('[data-app-state]', 'data-app-state')).toBe('ready');
    };
    /** Opens `path` (as `open`) and returns the URLs of the web workers the page started meanwhile. */
    const openCountingWorkers = async (path: string): Promise<string[]> => {
      const workers: string[] = [];
      const onWorker = (wk: { url(): string }) => workers.push(wk.url());
      w.page.on('worker', onWorker);
      try {
        await open(path);
      } finally {
        w.page.off('worker', onWorker);
      }
      return workers;
    };
    const noProblems = () => {
      const p = [...w.problems];
      w.problems.length = 0;
      expect(p).toEqual([]);
    };

    it('opens every page through the nav: each chart draws real series, no error', async () => {
      await open('');
      for (const p of PAGES) {
        if (p.path) {
          await w.page.click(`nav a[href$="${p.path}"]`);
          await w.page.waitForURL((u) => u.pathname.endsWith(`/${p.path}`));
          await settle(w.page);
        }
        const charts = await chartInfo(w.page);
        for (const id of p.charts) {
          const c = charts.find((x) => x.id === id);
          expect(c, `${p.path || '/'}: chart ${id} missing`).toBeTruthy();
          expect(c!.state, `${p.path || '/'}: chart ${id}`).toBe('ready');
          expect(c!.drawn, `${p.path || '/'}: chart ${id} drew no series`).toBeGreaterThan(0);
        }
        // Charts not in the must-draw list may be empty, but never stuck or broken.
        for (const c of charts) expect(['ready', 'empty'], `${p.path}: ${c.id}`).toContain(c.state);
        for (const c of charts.filter((x) => x.state === 'empty')) {
          const msg = await w.page.textContent(`[data-chart-id="${c.id}"] .chart-msg`);
          expect(msg?.trim().length, `${c.id}: empty chart without a message`).toBeGreaterThan(5);
        }
        if (ds.screens) {
          const dir = join(ROOT, 'test-results', 'screens');
          mkdirSync(dir, { recursive: true });
          await w.page.screenshot({ path: join(dir, `${(p.path || 'overview').replace(/\W+/g, '')}.png`), fullPage: true });
        }
      }
      if (ds.screens) {
        // The other layouts, to look at: small multiples, actor pairs with PMI, a reader view.
        const extra: [string, string][] = [
          ['trends/?split=country&layout=multiples&gran=quarter', 'trends-multiples'],
          ['stance/?split=none&gran=quarter', 'stance-together'],
          ['comentions/?cols=actors&measure=pmi&n=25', 'comentions-actors-pmi']
        ];
        for (const [path, name] of extra) {
          await open(path);
          for (const c of await chartInfo(w.page)) expect(c.state, `${path}: ${c.id}`).toBe('ready');
          await w.page.screenshot({ path: join(ROOT, 'test-results', 'screens', `${name}.png`), fullPage: true });
        }
      }
      noProblems();
    });

    it('a cold page fetches parquet-wasm once per thread that decodes Parquet (main thread and each decoding worker)', async () => {
      for (const path of ['', 'articles/', 'comentions/']) {
        const page = await env.browser.newPage();
        const wasm: string[] = [];
        const workers: string[] = [];
        page.on('request', (r) => {
          if (/parquet_wasm[^/]*\.wasm/.test(r.url())) wasm.push(r.url());
        });
        page.on('worker', (wk) => {
          if (/(parquet|days|comention|stance)-worker/.test(wk.url())) workers.push(wk.url());
        });
        await page.goto(env.server.url + path);
        await settle(page);
        expect(await page.getAttribute('[data-app-state]', 'data-app-state')).toBe('ready');
        // DuckDB's Parquet worker at least (the overview and the list query DuckDB at once).
        if (path !== 'comentions/') expect(workers.some((u) => /parquet-worker/.test(u)), path || '/').toBe(true);
        // A worker started late (the day counts load when idle) fetches its copy a moment after it starts; a thread
        // that instantiated parquet-wasm twice would fetch it twice.
        await expect.poll(() => wasm.length - workers.length, { timeout: 10_000 }).toBe(1);
        await page.waitForTimeout(500);
        expect(wasm, `${path || '/'}: ${workers.join(', ')}`).toHaveLength(1 + workers.length);
        await page.close();
      }
    });

    it('DuckDB\'s Parquet is decoded in a worker, and on the main thread, with the same rows, when the worker cannot start', async () => {
      const view = 'articles/?langs=fa';
      const listed = async (page: typeof w.page) => {
        await settle(page);
        return {
          count: await page.textContent('[data-testid=article-count]'),
          titles: await page.$$eval('[data-testid=article-table] tbody tr', (trs) => trs.map((tr) => tr.textContent?.trim() ?? ''))
        };
      };
      const workers = await openCountingWorkers(view);
      const inWorker = await listed(w.page);
      expect(workers.some((u) => /parquet-worker/.test(u))).toBe(true);
      expect(inWorker.titles.length).toBeGreaterThan(0);
      noProblems();

      const page = await env.browser.newPage({ viewport: { width: 1360, height: 900 } });
      const warnings: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      await page.route(/parquet-worker[^/]*\.js/, (r) => r.fulfill({ status: 404, body: 'no worker here' }));
      await page.goto(env.server.url + view);
      const onMain = await listed(page);
      expect(onMain).toEqual(inWorker);
      expect(warnings.some((t) => t.includes('reading Parquet on the main thread'))).toBe(true);
      await page.close();
    });

    it('the overview\'s day counts are decoded in a worker, and on the main thread, with the same charts, when it cannot start', async () => {
      // A topic filter is answered from article_counts (DayCounts), not from the topic cube.
      const view = "?topics=syria";
      const drawnCharts = (page: typeof w.page) =>
        page.$$eval('figure[data-chart-id]', (figs) =>
          figs.map((f) => {
            const el = f.querySelector('.chart-canvas') as HTMLElement & { __chart?: { getOption(): { series?: { data?: unknown }[] } } };
            return [(f as HTMLElement).dataset.chartId, (f as HTMLElement).dataset.chartState, JSON.stringify((el?.__chart?.getOption().series ?? []).map((x) => x.data))];
          })
        );
      const workers = await openCountingWorkers(view);
      const inWorker = await drawnCharts(w.page);
      expect(workers.some((u) => /days-worker/.test(u))).toBe(true);
      expect(inWorker.every(([, state]) => state === 'ready' || state === 'empty')).toBe(true);
      noProblems();

      const page = await env.browser.newPage({ viewport: { width: 1360, height: 900 } });
      await page.route(/days-worker[^/]*\.js/, (r) => r.fulfill({ status: 404, body: 'no worker here' }));
      await page.goto(env.server.url + view);
      await settle(page);
      expect(await drawnCharts(page)).toEqual(inWorker);
      await page.close();
    });

    it('a heatmap cell\'s articles load while the user reads the matrix, not while they change it', async () => {
      const requested: string[] = [];
      const onRequest = (r: { url(): string }) => requested.push(r.url());
      const warmed = () => w.page.evaluate(() => performance.getEntriesByName('drill-down warmed: comentions', 'mark').length);
      await open('comentions/');
      // From here on (the cube's worker has read article_entities.parquet itself, by a whole download).
      w.page.on('request', onRequest);
      try {
        // Changing the matrix (a click every 0.8 s) holds the warm-up back.
        for (let i = 0; i < 5; i++) {
          await w.page.click(`[data-control="measure"] button[data-value="${i % 2 ? 'count' : 'jaccard'}"]`);
          await w.page.waitForTimeout(800);
        }
        expect(await warmed()).toBe(0);
        expect(requested.filter((u) => /article_(facts|entities)\.parquet/.test(u))).toEqual([]);
        // Left alone, the page loads what the Articles view of its largest cell reads.
        await w.page.waitForFunction(() => performance.getEntriesByName('drill-down warmed: comentions', 'mark').length > 0, null, { timeout: 60_000 });
        expect(requested.some((u) => /article_entities\.parquet/.test(u))).toBe(true);
        expect(requested.some((u) => /article_facts\.parquet/.test(u))).toBe(true);
      } finally {
        w.page.off('request', onRequest);
      }
      await settle(w.page);
      const target = await findPoint(w.page, 'comentions', 'max');
      const { count } = await clickThrough(w.page, target);
      expect(count).toBe(target.item.n);
      noProblems();
    });

    it('a bar on the overview leads to exactly its articles', async () => {
      await open('');
      const target = await findPoint(w.page, 'by-country', 'max');
      const { url, count } = await clickThrough(w.page, target);
      expect(url.searchParams.get('countries')).toBe(target.item.drill.country);
      expect(count).toBe(Number(target.item.value));
      noProblems();
    });

    it('a date-coverage bar (drawn in large mode) leads to the articles of its country and month', async () => {
      await open('');
      const target = await findPoint(w.page, 'coverage', 'max');
      const { url, count } = await clickThrough(w.page, target);
      expect(url.searchParams.get('countries')).toBe(target.item.drill.country ?? null);
      expect(url.searchParams.get('start')).toBe(target.item.drill.bucketStart);
      expect(url.searchParams.get('end')).toBe(target.item.drill.bucketEnd);
      expect(target.item.drill.bucketStart).toMatch(/^\d{4}-\d{2}-01$/);
      expect(count).toBe(Number(target.item.value));
      noProblems();
    });

    it('a point on the topic trend leads to the articles of that topic and period', async () => {
      // Yearly buckets keep symbols visible (and clickable) on long date ranges.
      await open('trends/?gran=year&measure=count');
      const target = await findPoint(w.page, 'topic-trend', 'max');
      const { url, count } = await clickThrough(w.page, target);
      expect(url.searchParams.get('topic')).toBe(target.item.drill.topic);
      expect(url.searchParams.get('start')).toBe(target.item.drill.bucketStart);
      expect(url.searchParams.get('end')).toBe(target.item.drill.bucketEnd);
      expect(count).toBe(target.item.n);
      expect(count).toBeGreaterThan(0);
      // The drill-down is shown as removable chips.
      expect(await w.page.locator('[data-chip=topic]').count()).toBe(1);
      expect(await w.page.textContent('[data-chip=start]')).toMatch(/Year: \d{4}/);
      const rows = await w.page.locator('[data-testid=article-table] tbody tr').count();
      expect(rows).toBe(Math.min(count, 25));
      // Removing the period chip widens the list.
      await w.page.click('[data-chip=start] button');
      await w.page.waitForURL((u) => !u.searchParams.has('start'));
      await settle(w.page);
      expect(new URL(w.page.url()).searchParams.get('topic')).toBe(target.item.drill.topic);
      noProblems();
    });

    it('a weekly trend (a line without symbols) still opens the articles of the point nearest the click', async () => {
      await open('trends/?gran=week&measure=count');
      // Long series are [x, y] pairs in one typed array, drawn without symbols; pick the busiest visible week of the
      // first series with articles and click a few pixels off it: the nearest point is the one opened.
      const t = await w.page.$eval('[data-chart-id="topic-trend"] .chart-canvas', (el) => {
        type Series = { id: string; type: string; data: ArrayLike<unknown>; drillAt?: unknown };
        type Chart = {
          getOption(): { series: Series[]; dataZoom?: { startValue?: number; endValue?: number }[] };
          convertToPixel(f: object, v: unknown): number[];
        };
        const chart = (el as unknown as { __chart: Chart }).__chart;
        const opt = chart.getOption();
        const lo = opt.dataZoom?.[0]?.startValue ?? 0;
        const hi = opt.dataZoom?.[0]?.endValue ?? Infinity;
        const typed = (s: Series) => ArrayBuffer.isView(s.data);
        const values = (s: Series): (number | null)[] => {
          const d = s.data as ArrayLike<number> & unknown[];
          if (typed(s)) return Array.from({ length: d.length / 2 }, (_, i) => (Number.isNaN(d[2 * i + 1]) ? null : d[2 * i + 1]));
          return d.map((x) => (x && typeof x === 'object' ? (x as { value: number | null }).value : (x as number | null)));
        };
        // Only the lines: the dots on lone values (scatter series) repeat their line's values.
        const lines = opt.series.map((s, si) => ({ s, si, vals: values(s) })).filter((x) => x.s.type === 'line');
        // Points of two series drawn on top of each other would make the click ambiguous.
        const seen = new Map<string, number>();
        lines.forEach(({ vals }) => vals.forEach((v, di) => seen.set(`${di}|${v}`, (seen.get(`${di}|${v}`) ?? 0) + 1)));
        let best: { si: number; di: number; v: number } | null = null;
        lines.forEach(({ si, vals }) =>
          vals.forEach((v, di) => {
            if (v === null || v <= 0 || di < lo || di > hi || (seen.get(`${di}|${v}`) ?? 0) > 1) return;
            if (!best || v > best.v) best = { si, di, v };
          })
        );
        if (!best) return null;
        const b = best as unknown as { si: number; di: number; v: number };
        el.scrollIntoView({ block: 'center' });
        const [x, y] = chart.convertToPixel({ seriesIndex: b.si }, [b.di, b.v]);
        const r = el.getBoundingClientRect();
        const s = opt.series[b.si];
        return { x: r.left + x, y: r.top + y + 2, topic: s.id.split('|')[0], typed: typed(s), len: values(s).length, n: b.v };
      });
      // The seeds' handful of weeks has no point that is not also another topic's (nothing unambiguous to click).
      if (!t) return;
      // Only long series (the corpus fixture's weeks) are typed pairs; the seeds' few weeks keep an item per point.
      expect(t.typed).toBe(t.len > LONG_SERIES);
      const { url, count } = await clickThrough(w.page, { x: t.x, y: t.y, item: { value: t.n, drill: {} } });
      expect(url.searchParams.get('topic')).toBe(t.topic);
      const start = url.searchParams.get('start')!;
      expect(new Date(`${start}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday: a week bucket
      expect(count).toBe(t.n);
      noProblems();
    });

    it('a stance bar leads to the articles with that stance in that period and country', async () => {
      await open('stance/?gran=year');
      const target = await findPoint(w.page, 'stance-trend', 'max');
      const { url, count } = await clickThrough(w.page, target);
      expect(url.searchParams.get('target')).toBe('entity:@un_system');
      expect(url.searchParams.get('stance')).toBe(target.item.drill.stanceLabel);
      expect(url.searchParams.get('countries')).toBe(target.item.drill.country ?? null);
      expect(count).toBe(target.item.n);
      noProblems();
    });

    it('a heatmap cell leads to the articles mentioning both', async () => {
      for (const cols of ['topics', 'actors']) {
        await open(`comentions/?cols=${cols}`);
        const target = await findPoint(w.page, 'comentions', 'max');
        const { url, count } = await clickThrough(w.page, target);
        expect(url.searchParams.get('entity')).toBe(target.item.drill.entity);
        if (cols === 'topics') expect(url.searchParams.get('topic')).toBe(target.item.drill.topic);
        else expect(url.searchParams.get('entity2')).toBe(target.item.drill.entity2);
        expect(count).toBe(target.item.n);
      }
      noProblems();
    });

    it('a compare bar leads to that country’s articles on that topic', async () => {
      await open('compare/');
      const target = await findPoint(w.page, 'compare-topics', 'max');
      const { url, count } = await clickThrough(w.page, target);
      expect(url.searchParams.get('topic')).toBe(target.item.drill.topic);
      expect(url.searchParams.get('countries')).toBe(target.item.drill.country);
      expect(count).toBe(target.item.n);
      noProblems();
    });

    it('evidence sentences mark the cue as text, and the reader view shows the article right-to-left', async () => {
      await open('stance/');
      const cue = w.page.locator('[data-testid=evidence-list] mark.cue').first();
      if ((await w.page.locator('[data-testid=evidence-list]').count()) > 0) {
        expect((await cue.textContent())?.length).toBeGreaterThan(0);
      }
      await open('articles/');
      await Promise.all([w.page.waitForURL(/\/articles\/view\//), w.page.click('[data-testid=article-table] tbody tr a')]);
      await settle(w.page);
      await w.page.waitForSelector('[data-testid=article-view]');
      const dir = await w.page.getAttribute('[data-testid=article-text]', 'dir');
      const lang = await w.page.getAttribute('[data-testid=article-text]', 'lang');
      if (lang === 'fa' || lang === 'ar') expect(dir).toBe('rtl');
      if (ds.screens) await w.page.screenshot({ path: join(ROOT, 'test-results', 'screens', 'article-view.png'), fullPage: true });
      const marks = w.page.locator('[data-testid=article-text] mark.mention');
      if ((await marks.count()) > 0) expect(await marks.first().getAttribute('title')).toMatch(/ — /);
      noProblems();
    });

    it('the reader lists the actors an article mentions, and says so when they cannot be loaded (never "None detected")', async () => {
      await open('articles/?entity=iran');
      const href = await w.page.getAttribute('[data-testid=article-table] tbody tr a', 'href');
      expect(href).toMatch(/view\/\?id=/);
      const url = new URL(href!, w.page.url()).href;
      await w.page.goto(url);
      await settle(w.page);
      await w.page.waitForSelector('[data-testid=article-mentions]');
      expect(await w.page.locator('[data-testid=article-mentions] li').count()).toBeGreaterThan(0);
      expect(await w.page.locator('[data-testid=article-mentions]').textContent()).toContain('Iran');
      noProblems();

      // The same article with every read of mentions.parquet failing (a server error): an error, not an empty box.
      const p = await env.browser.newPage();
      try {
        await p.route('**/mentions.parquet', (r) => r.fulfill({ status: 503, body: 'unavailable' }));
        await p.goto(url);
        await p.waitForSelector('[data-testid=mentions-error]', { timeout: 60_000 });
        expect(await p.locator('[data-testid=mentions-error]').textContent()).toMatch(/Could not load this article's actor mentions/);
        expect(await p.locator('[data-testid=no-mentions]').count()).toBe(0);
        expect(await p.locator('[data-testid=highlights-incomplete]').count()).toBe(1);
        // The other boxes still load: only the failed one says it failed.
        await p.waitForFunction(() => !document.querySelector('.reader [aria-busy="true"]'), undefined, { timeout: 60_000 });
        expect(await p.locator('[data-testid=topics-error], [data-testid=terms-error], [data-testid=stances-error]').count()).toBe(0);
      } finally {
        await p.close();
      }
    });

    it('a search covers titles only, and says so, when the corpus text is too big to load in the browser', async () => {
      // The same data, with 1 GB of compressed text announced by manifest.json (as a pipeline run at 1M writes it).
      const p = await env.browser.newPage();
      try {
        await p.route('**/manifest.json', async (r) => {
          const res = await r.fetch();
          await r.fulfill({ response: res, json: { ...(await res.json()), text_bytes: 1_036_000_000 } });
        });
        // A word of seed titles; the list must hold only articles whose title contains it.
        await p.goto(env.server.url + 'articles/?q=' + encodeURIComponent('ا'));
        await p.waitForSelector('[data-testid=titles-only-notice]', { timeout: 60_000 });
        expect(await p.locator('[data-testid=titles-only-notice]').textContent()).toMatch(/titles only[\s\S]*1,036 MB/);
        await p.waitForSelector('[data-testid=article-table] tbody tr, [data-testid=no-articles]');
        for (const t of await p.locator('[data-testid=article-table] a.title-link').allTextContents()) expect(t).toContain('ا');
      } finally {
        await p.close();
      }
      // Unchanged on this (small) corpus: titles and text, no notice.
      await open('articles/?q=' + encodeURIComponent('ا'));
      expect(await w.page.locator('[data-testid=titles-only-notice]').count()).toBe(0);
      noProblems();
    });

    it('a filtered URL reopens the same view after reload, and back/forward step through views', async () => {
      await open('trends/?countries=IR&gran=quarter&measure=count&split=country');
      const before = await chartInfo(w.page);
      const uiState = async () => ({
        countries: (await w.page.textContent('[data-filter=countries] .ms-value'))?.trim(),
        gran: await w.page.getAttribute('[data-control=gran] button[aria-pressed=true]', 'data-value'),
        measure: await w.page.getAttribute('[data-control=measure] button[aria-pressed=true]', 'data-value'),
        split: await w.page.getAttribute('[data-control=split] button[aria-pressed=true]', 'data-value')
      });
      const ui = await uiState();
      expect(ui).toEqual({ countries: 'Iran', gran: 'quarter', measure: 'count', split: 'country' });
      await w.page.reload();
      await settle(w.page);
      expect(await uiState()).toEqual(ui);
      expect(await chartInfo(w.page)).toEqual(before);

      // Change the time step through the UI: a new history entry.
      await w.page.click('[data-control=gran] button[data-value=year]');
      await w.page.waitForURL((u) => u.searchParams.get('gran') === 'year');
      await settle(w.page);
      // And a filter through the filter bar: tick one more language.
      await w.page.click('[data-filter=langs] summary');
      await w.page.locator('[data-filter=langs] input[type=checkbox]').first().check();
      await w.page.waitForURL((u) => u.searchParams.has('langs'));
      await settle(w.page);
      await w.page.goBack();
      await w.page.waitForURL((u) => !u.searchParams.has('langs') && u.searchParams.get('gran') === 'year');
      await settle(w.page);
      expect((await uiState()).gran).toBe('year');
      await w.page.goBack();
      await w.page.waitForURL((u) => u.searchParams.get('gran') === 'quarter');
      await settle(w.page);
      expect(await uiState()).toEqual(ui);
      expect(await chartInfo(w.page)).toEqual(before);
      await w.page.goForward();
      await w.page.waitForURL((u) => u.searchParams.get('gran') === 'year');
      await settle(w.page);
      expect((await uiState()).gran).toBe('year');
      noProblems();
    });

    it('a country filter from the filter bar narrows the overview to that country', async () => {
      await open('');
      const total = Number((await w.page.textContent('[data-testid=total-articles]'))?.replace(/,/g, ''));
      await w.page.click('[data-filter=countries] summary');
      const box = w.page.locator('[data-filter=countries] input[type=checkbox]').first();
      const code = await box.getAttribute('value');
      await box.check();
      await w.page.waitForURL((u) => u.searchParams.get('countries') === code);
      await settle(w.page);
      const narrowed = Number((await w.page.textContent('[data-testid=total-articles]'))?.replace(/,/g, ''));
      expect(narrowed).toBeGreaterThan(0);
      expect(narrowed).toBeLessThanOrEqual(total);
      const charts = await chartInfo(w.page);
      const byCountry = charts.find((c) => c.id === 'by-country')!;
      expect(byCountry.state).toBe('ready');
      noProblems();
    });
  });
}

describe.skipIf(!hasChromium)('dashboard without data', () => {
  let env: Env;
  beforeAll(async () => {
    const empty = join(tmpdir(), `engagement-monitor-nodata-${process.pid}`);
    mkdirSync(empty, { recursive: true });
    env = await startEnv(empty);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('says the data could not be loaded instead of showing blank charts', async () => {
    const w = await watchedPage(env);
    await w.page.goto(env.server.url + 'trends/');
    await settle(w.page);
    expect(await w.page.getAttribute('[data-app-state]', 'data-app-state')).toBe('error');
    expect(await w.page.textContent('[data-testid=load-error]')).toMatch(/could not be loaded/);
    // The only problems are the missing files themselves; no uncaught exception.
    expect(w.problems.filter((p) => !/404|Failed to load resource/.test(p))).toEqual([]);
    expect(w.problems.length).toBeGreaterThan(0);
  });
});

/**
 * Data folders of earlier versions: before article_filters (no such file), and before filter_codes (an article_filters
 * of strings); neither has stance_cube. The cubes read article_facts and stance_facts instead. A current folder's
 * cubes read article_filters, stance_cube and filter_codes.
 */
const LAYOUTS = {
  'before article_filters': async (dir: string) => {
    for (const f of ['article_filters', 'filter_codes', 'stance_cube']) rmSync(join(dir, `${f}.parquet`));
  },
  'before filter_codes (article_filters of strings)': async (dir: string) => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const file = (f: string) => `'${join(dir, f).replace(/'/g, "''")}'`;
    await c.run(`COPY (SELECT * EXCLUDE (article_id) FROM read_parquet(${file('article_facts.parquet')}) ORDER BY date NULLS LAST, article_id)
      TO ${file('article_filters.parquet')} (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    for (const f of ['filter_codes', 'stance_cube']) rmSync(join(dir, `${f}.parquet`));
  },
  current: async () => undefined
} as const;

describe.skipIf(!hasChromium).each(Object.entries(LAYOUTS))('dashboard on a data folder: %s', (layout, make) => {
  let env: Env;
  beforeAll(async () => {
    const old = join(tmpdir(), `engagement-monitor-old-${process.pid}`);
    rmSync(old, { recursive: true, force: true });
    cpSync(ensureData('seeds', join(ROOT, 'seeds')), old, { recursive: true });
    await make(old);
    env = await startEnv(old);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the cubes load from the files there are, and every chart of stance, co-mentions and compare draws', async () => {
    const w = await watchedPage(env);
    const parquet: string[] = [];
    w.page.on('request', (r) => {
      if (r.url().endsWith('.parquet')) parquet.push(r.url().split('/').pop()!);
    });
    const cubes: Record<string, string[]> = { 'stance/': ['stance'], 'comentions/': ['comention'], 'compare/': ['stance', 'comention'] };
    for (const [path, names] of Object.entries(cubes)) {
      parquet.length = 0;
      await w.page.goto(env.server.url + path);
      await settle(w.page);
      expect(await w.page.getAttribute('[data-app-state]', 'data-app-state'), path).toBe('ready');
      // The co-mentions page reads article_facts only through its cube (its DuckDB is a fallback): it reads it only
      // when the coded files cannot serve.
      if (path === 'comentions/') {
        expect(parquet.includes('article_facts.parquet'), parquet.join(' ')).toBe(layout !== 'current');
        expect(parquet.includes('filter_codes.parquet')).toBe(true);
      }
      // Compare's DuckDB reads no stance file either: stance_facts only for a stance cube without stance_cube.
      if (path === 'compare/') {
        expect(parquet.includes('stance_facts.parquet'), parquet.join(' ')).toBe(layout !== 'current');
        expect(parquet.includes('stance_cube.parquet')).toBe(true);
      }
      // The cubes themselves loaded (the pages would otherwise fall back to DuckDB and still draw).
      for (const name of names) {
        const loaded = await w.page.evaluate((n) => performance.getEntriesByName(`${n}-cube:load`).length, name);
        expect(loaded, `${path}: ${name} cube`).toBe(1);
      }
      const charts = await chartInfo(w.page);
      expect(charts.length, path).toBeGreaterThan(0);
      for (const c of charts) expect(['ready', 'empty'], `${path}: ${c.id}`).toContain(c.state);
      expect(charts.some((c) => c.state === 'ready' && c.drawn > 0), path).toBe(true);
    }
    // The only problems are the 404s of the missing files.
    expect(w.problems.filter((p) => !/(article_filters|filter_codes|stance_cube)\.parquet|Failed to load resource/.test(p))).toEqual([]);
    expect(w.problems.length > 0).toBe(layout !== 'current');
  });
});

describe.skipIf(!hasChromium)('dashboard served from a subpath', () => {
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    const data = ensureData('seeds', join(ROOT, 'seeds'));
    server = await startStaticServer({ root: ensureBuild(), dataDir: data, prefix: '/some/sub/path/' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads its code and data relative to where it is served, and navigates within it', async () => {
    const w = await watchedPage({ server, browser, close: async () => {} });
    await w.page.goto(server.url + 'stance/');
    await settle(w.page);
    expect(await w.page.getAttribute('[data-app-state]', 'data-app-state')).toBe('ready');
    await w.page.click('nav a[href$="comentions/"]');
    await w.page.waitForURL((u) => u.pathname === '/some/sub/path/comentions/');
    await settle(w.page);
    expect((await chartInfo(w.page)).map((c) => c.state)).toEqual(['ready']);
    expect(w.problems).toEqual([]);
    expect(server.requests.every((r) => r.path.startsWith('/some/sub/path/'))).toBe(true);
  });
});
