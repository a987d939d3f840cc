/**
 * Exports in a real browser, on a small fixture built for the purpose: Persian- and Arabic-named outlets (RTL labels
 * in the images) and article titles that are spreadsheet formulas. Every chart on every page is exported as PNG, SVG
 * and CSV; the files are decoded and checked (PNG size from its header and by decoding it, SVG parsed as XML with
 * its title and subtitle, CSV parsed and compared with the same query run in Node DuckDB). Then a three-chart
 * briefing pack is zipped and printed to PDF. Files are kept in test-results/exports/ to be looked at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { openNodeDb, type NodeDb } from '$lib/db/node';
import { EMPTY_FILTERS, parseFilters, type Filters } from '$lib/filters';
import {
  buildArticleListQuery,
  buildArticlesPerBucketQuery,
  buildCoMentionQuery,
  buildCompareStanceQuery,
  buildCompareTopicsQuery,
  buildCountsByCountryQuery,
  buildCountsByLangQuery,
  buildCountsBySourceQuery,
  buildLatestArticlesQuery,
  buildStanceTrendQuery,
  buildTopicSharesQuery,
  buildTopicTrendQuery,
  buildTopicSeriesQuery,
  fillTopicTrend
} from '$lib/queries';
import type { BoundQuery } from '$lib/db/types';
import { ensureData, ROOT, settle, startEnv, watchedPage, type Env, type Watched } from './env';

const hasChromium = existsSync('/usr/bin/chromium');
const OUT = join(ROOT, 'test-results', 'exports');
const FORMULAS = ['=HYPERLINK("http://x","y")', '+cmd', '@SUM(1)'];
const FA_SOURCE = 'روزنامه آزمایشی پیام';
// Far from every known outlet name, so the pipeline keeps it as given instead of matching it to a known agency.
const AR_SOURCE = 'منبر الواحات الإخباري';

/** Seed texts under new titles/outlets: real Persian and Arabic prose, so topics and stances are found. */
function writeFixture(dir: string): string {
  const seed = (n: string) => readFileSync(join(ROOT, 'seeds', n), 'utf8').replace(/^\s*date \S+\s*/, '');
  const fa = [seed('000_e7dc781b4673e109.txt'), seed('001_c54b42fbeb932e82.txt'), seed('002_eb2a44697c04507d.txt')];
  const ar = seed('003_42a1e7181d965724.txt');
  const rows = [
    { id: 'fx-1', date: '2024-03-10', source: FA_SOURCE, country_of_source: 'IR', lang: 'fa', title: FORMULAS[0], text: fa[0] },
    { id: 'fx-2', date: '2024-05-02', source: AR_SOURCE, country_of_source: 'DZ', lang: 'ar', title: FORMULAS[1], text: ar },
    { id: 'fx-3', date: '2025-01-15', source: 'Mehr News Agency', country_of_source: 'IR', lang: 'fa', title: FORMULAS[2], text: fa[1] },
    { id: 'fx-4', date: '2024-07-20', source: FA_SOURCE, country_of_source: 'IR', lang: 'fa', title: '-2+3 تیتر عادی', text: fa[2] },
    { id: 'fx-5', date: '2025-02-11', source: AR_SOURCE, country_of_source: 'DZ', lang: 'ar', title: 'محادثات جزائرية في جنيف', text: ar + '\n\nوأكد الوزير دعم الجزائر للأمم المتحدة.' },
    { id: 'fx-6', date: '2024-11-03', source: 'Algérie Presse Service', country_of_source: 'DZ', lang: 'ar', title: 'تعاون إنساني', text: ar }
  ];
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'export-fixture.jsonl');
  const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  // Rewritten only when it changed, so ensureData's cache holds between runs.
  if (!existsSync(file) || readFileSync(file, 'utf8') !== body) writeFileSync(file, body);
  return file;
}

function pngSize(buf: Buffer): { width: number; height: number } {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const F0: Filters = EMPTY_FILTERS;
/** The query each page runs for each chart, at the page's default settings (see the +page.svelte files). */
const QUERIES: Record<string, (f: Filters) => BoundQuery> = {
  'by-country': buildCountsByCountryQuery,
  'by-lang': buildCountsByLangQuery,
  'by-source': buildCountsBySourceQuery,
  coverage: (f) => buildArticlesPerBucketQuery(f, 'month'),
  'topic-shares': buildTopicSharesQuery,
  'latest-articles': (f) => buildLatestArticlesQuery(f, 10),
  'topic-trend': (f) => buildTopicTrendQuery(f, { granularity: 'month', measure: 'share', byCountry: false }),
  'stance-trend': (f) =>
    buildStanceTrendQuery(f, { target_kind: 'entity', target_id: '@un_system', granularity: 'month', threshold: 0, byCountry: true }),
  comentions: (f) => buildCoMentionQuery(f, { rows: 'actors', cols: 'topics', n: 15, measure: 'count', kinds: [] }),
  'compare-topics': (f) => buildCompareTopicsQuery(f, { a: 'IR', b: 'DZ' }),
  'compare-stance': (f) => buildCompareStanceQuery(f, { a: 'IR', b: 'DZ' }),
  articles: (f) => buildArticleListQuery(f, { limit: 500, offset: 0 })
};

const PAGES = ['', 'trends/', 'stance/', 'comentions/', 'compare/'];

/** A CSV cell as an independent reading of the spec: formula-looking text gets an apostrophe, numbers stay. */
function expectedCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function compareCsv(csv: string, rows: Record<string, unknown>[], what: string) {
  expect(csv.charCodeAt(0), `${what}: BOM`).toBe(0xfeff);
  const parsed = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
  expect(parsed.length, `${what}: row count`).toBe(rows.length);
  if (!rows.length) return;
  expect(Object.keys(parsed[0]), `${what}: columns`).toEqual(Object.keys(rows[0]));
  // Ties in ORDER BY may come out in either order from two engines: compare as sorted lists of rows.
  const norm = (cells: string[]) => cells.map((c) => (/^-?\d+\.\d+(e-?\d+)?$/.test(c) ? Number(c).toPrecision(12) : c)).join('\u0001');
  const got = parsed.map((r) => norm(Object.values(r))).sort();
  const want = rows.map((r) => norm(Object.values(r).map(expectedCell))).sort();
  expect(got, what).toEqual(want);
}

async function download(page: Page, chartId: string, kind: 'png' | 'svg' | 'csv'): Promise<{ name: string; buf: Buffer }> {
  const box = page.locator(`[data-export-for="${chartId}"]`);
  const summary = box.locator('summary');
  if ((await summary.count()) > 0) {
    await box.scrollIntoViewIfNeeded();
    if (!(await box.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await summary.click();
  }
  const button = page.locator(`[data-export-for="${chartId}"][data-export="${kind}"], [data-export-for="${chartId}"] [data-export="${kind}"]`);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  const path = join(OUT, dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), buf: readFileSync(path) };
}

describe.skipIf(!hasChromium)('chart exports', () => {
  let env: Env;
  let w: Watched;
  let db: NodeDb;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const data = ensureData('export-fixture', writeFixture(join(ROOT, 'test-results', 'export-input')));
    db = await openNodeDb(data);
    env = await startEnv(data);
    w = await watchedPage(env);
  });
  afterAll(async () => {
    await db?.close();
    await env?.close();
  });

  const open = async (path: string) => {
    await w.page.goto(env.server.url + path);
    await settle(w.page);
    expect(await w.page.getAttribute('[data-app-state]', 'data-app-state')).toBe('ready');
  };

  it('exports PNG, SVG and CSV of every chart on every page; the files hold what they should', async () => {
    const seen: string[] = [];
    for (const path of PAGES) {
      await open(path);
      const charts = await w.page.$$eval('[data-chart-id]', (fs) =>
        fs.map((f) => ({ id: f.getAttribute('data-chart-id')!, state: f.getAttribute('data-chart-state')!, title: f.querySelector('.chart-title')?.textContent ?? '', height: (f.querySelector('.chart-canvas') as HTMLElement).offsetHeight }))
      );
      expect(charts.length, path).toBeGreaterThan(0);
      for (const c of charts) {
        if (c.state !== 'ready') continue;
        seen.push(c.id);
        const png = await download(w.page, c.id, 'png');
        expect(png.name, c.id).toMatch(/^[a-z0-9-]+_(all|[A-Z]{2}(-[A-Z]{2})*)(_\d{4}-\d{2}_\d{4}-\d{2})?\.png$/);
        const size = pngSize(png.buf);
        expect(size.width, `${c.id} PNG width = 2 × 1000`).toBe(2000);
        // Chart drawing plus title/subtitle above and sources below, all at 2×.
        expect(size.height, `${c.id} PNG height`).toBeGreaterThan(2 * (c.height + 120));
        const decoded = await w.page.evaluate(async (b64) => {
          const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
          const cv = new OffscreenCanvas(bmp.width, bmp.height);
          const ctx = cv.getContext('2d')!;
          ctx.drawImage(bmp, 0, 0);
          const corner = [...ctx.getImageData(2, 2, 1, 1).data];
          return { width: bmp.width, height: bmp.height, corner };
        }, png.buf.toString('base64'));
        expect(decoded, `${c.id} decoded PNG`).toEqual({ ...size, corner: [255, 255, 255, 255] });

        const svg = await download(w.page, c.id, 'svg');
        expect(svg.name).toBe(png.name.replace(/\.png$/, '.svg'));
        const parsed = await w.page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const err = doc.querySelector('parsererror');
          const texts = [...doc.documentElement.children].filter((e) => e.tagName === 'text').map((e) => e.textContent ?? '');
          return {
            error: err?.textContent ?? null,
            root: doc.documentElement.tagName,
            title: doc.querySelector('svg > title')?.textContent ?? '',
            desc: doc.querySelector('svg > desc')?.textContent ?? '',
            header: texts.join(' ').replace(/\s+/g, ' '),
            nested: doc.querySelectorAll('svg svg path, svg svg rect').length
          };
        }, svg.buf.toString('utf8'));
        expect(parsed.error, `${c.id}: SVG parse error`).toBeNull();
        expect(parsed.root).toBe('svg');
        expect(parsed.title).toBe(c.title);
        expect(parsed.header).toContain(c.title);
        // Compare charts count the chosen pair (or one side), not the whole collection.
        expect(parsed.header).toContain(
          path === 'compare/' ? (c.id.startsWith('compare-actors-') ? 'Countries: ' : 'Countries: Iran, Algeria') : 'All countries, outlets, languages and topics'
        );
        expect(parsed.header).toMatch(/Dates: all, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
        expect(parsed.header).toMatch(/Based on \d+ articles/);
        expect(parsed.header).toContain('Topics and stance detected automatically; see method note');
        expect(parsed.header).toContain('/method/');
        expect(parsed.nested, `${c.id}: SVG has chart shapes`).toBeGreaterThan(3);

        const csv = await download(w.page, c.id, 'csv');
        const q = QUERIES[c.id];
        const text = csv.buf.toString('utf8');
        // The trends page exports the grid it fills in from the query's non-empty cells (fillTopicTrend).
        if (c.id === 'topic-trend')
          compareCsv(text, fillTopicTrend(await db.query(q(F0)), await db.query(buildTopicSeriesQuery(F0)), 'month', 'share') as never, c.id);
        else if (q) compareCsv(text, await db.query(q(F0)), c.id);
        else expect((parse(text, { bom: true, columns: true }) as unknown[]).length, `${c.id} CSV rows`).toBeGreaterThan(0);
      }
    }
    for (const id of ['by-country', 'by-source', 'topic-shares', 'topic-trend', 'stance-trend', 'comentions', 'compare-topics']) expect(seen).toContain(id);
    expect(w.problems).toEqual([]);
  });

  it('article lists export as CSV with formula titles neutralised', async () => {
    await open('');
    const latest = await download(w.page, 'latest-articles', 'csv');
    compareCsv(latest.buf.toString('utf8'), await db.query(QUERIES['latest-articles'](F0)), 'latest-articles');
    await open('articles/');
    const list = await download(w.page, 'articles', 'csv');
    expect(list.name).toBe('articles_all_2024-03_2025-02.csv');
    const text = list.buf.toString('utf8');
    compareCsv(text, await db.query(QUERIES.articles(F0)), 'articles');
    const titles = (parse(text, { bom: true, columns: true }) as { title: string }[]).map((r) => r.title);
    for (const f of FORMULAS) expect(titles).toContain(`'${f}`);
    expect(titles).toContain(`'-2+3 تیتر عادی`);
    // No cell anywhere may start a formula.
    for (const row of parse(text, { bom: true }) as string[][])
      for (const cell of row) if (!/^-?\d+(\.\d+)?$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(w.problems).toEqual([]);
  });

  it('filtered exports say so in the file name and the image; Persian/Arabic outlet names render in PNG and SVG', async () => {
    await open('?countries=IR,DZ&from=2024-01-01&to=2025-06-30');
    const png = await download(w.page, 'by-source', 'png');
    expect(png.name).toBe('articles-by-source_IR-DZ_2024-01_2025-06.png');
    const svg = await download(w.page, 'by-source', 'svg');
    const text = svg.buf.toString('utf8');
    expect(text).toContain('Countries: Iran, Algeria');
    expect(text).toContain('Dates: 2024-01-01 to 2025-06-30');
    // The outlet names reach the SVG as text (not outlines), with the Arabic-capable font stack and a fixed base direction.
    for (const name of [FA_SOURCE, AR_SOURCE]) {
      const el = new RegExp(`<text[^>]*>${name}[^<]*</text>`).exec(text)?.[0] ?? '';
      expect(el, name).toContain('Noto Sans Arabic');
      expect(el).toContain('direction="ltr"');
    }
    // Rendered side by side for a person to compare (test-results/exports/rtl-*.png).
    const shot = await env.browser.newPage({ viewport: { width: 1000, height: 900 } });
    await shot.setContent(`<body style="margin:0"><img id="i" src="data:image/svg+xml;base64,${svg.buf.toString('base64')}"></body>`);
    await shot.waitForFunction(() => (document.getElementById('i') as HTMLImageElement).complete);
    await shot.screenshot({ path: join(OUT, 'rtl-svg-rendered.png'), fullPage: true });
    await shot.close();
    writeFileSync(join(OUT, 'rtl-canvas.png'), png.buf);
    expect(w.problems).toEqual([]);
  });

  it('a three-chart briefing pack zips PNG/SVG/CSV per chart and prints to A4 PDF with all three charts', async () => {
    await open('briefing/');
    await w.page.evaluate(() => localStorage.clear());
    const picks: [string, string][] = [
      ['trends/?gran=quarter&measure=count', 'topic-trend'],
      ['?countries=IR,DZ', 'by-source'],
      ['compare/', 'compare-topics']
    ];
    for (const [path, id] of picks) {
      await open(path);
      await w.page.locator(`[data-export-for="${id}"] summary`).click();
      await w.page.locator(`[data-export-for="${id}"] [data-export=briefing]`).click();
      await w.page.waitForSelector(`[data-export-for="${id}"] [data-export-message]`);
      expect(await w.page.textContent(`[data-export-for="${id}"] [data-export-message]`)).toMatch(/Added to the briefing pack/);
    }
    await open('briefing/');
    await w.page.waitForSelector('[data-briefing-item]');
    expect(await w.page.$$eval('[data-briefing-item]', (li) => li.map((l) => l.getAttribute('data-briefing-item')))).toEqual(picks.map((p) => p[1]));
    // Reorder: move the second up, then back.
    await w.page.locator('[data-briefing-item="by-source"] button[aria-label="Move up"]').click();
    await w.page.waitForFunction(() => document.querySelector('[data-briefing-item]')?.getAttribute('data-briefing-item') === 'by-source');
    await w.page.locator('[data-briefing-item="by-source"] button[aria-label="Move down"]').click();
    await w.page.waitForFunction(() => document.querySelector('[data-briefing-item]')?.getAttribute('data-briefing-item') === 'topic-trend');

    const [dl] = await Promise.all([w.page.waitForEvent('download'), w.page.click('[data-testid=download-zip]')]);
    const zipPath = join(OUT, dl.suggestedFilename());
    await dl.saveAs(zipPath);
    const files = unzipSync(readFileSync(zipPath));
    const names = Object.keys(files).sort();
    expect(names).toContain('README.txt');
    expect(names.filter((n) => n.endsWith('.png'))).toHaveLength(3);
    expect(names.filter((n) => n.endsWith('.svg'))).toHaveLength(3);
    expect(names.filter((n) => n.endsWith('.csv'))).toHaveLength(3);
    expect(names).toContain('02_articles-by-source_IR-DZ_2024-03_2025-02.csv');
    expect(pngSize(Buffer.from(files[names.find((n) => n.startsWith('01_') && n.endsWith('.png'))!])).width).toBe(2000);
    compareCsv(
      new TextDecoder('utf-8', { ignoreBOM: true }).decode(files['02_articles-by-source_IR-DZ_2024-03_2025-02.csv']),
      await db.query(buildCountsBySourceQuery(parseFilters(new URLSearchParams('countries=IR,DZ')))),
      'zip by-source'
    );

    await open('briefing/print/');
    await w.page.waitForSelector('[data-print-ready=true]');
    await w.page.emulateMedia({ media: 'print' });
    const shown = await w.page.$$eval('[data-print-chart] img', (imgs) =>
      imgs.map((i) => ({ ok: (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0, h: i.getBoundingClientRect().height }))
    );
    expect(shown).toHaveLength(3);
    for (const s of shown) expect(s.ok && s.h > 200).toBe(true);
    expect(await w.page.isVisible('header.top')).toBe(false);
    const pdf = await w.page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(OUT, 'briefing-pack.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(w.problems).toEqual([]);
  });
});
